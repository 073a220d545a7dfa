import { migrateAnalytics, type ClickHouseClient } from '@cdp/clickhouse';
import { THROWAWAY_CLICKHOUSE_ENGINES } from '@cdp/clickhouse/testing';
import { ANALYTICS_MIGRATIONS } from './analytics-migrations';

const BEFORE_ONE_PARTITION = ANALYTICS_MIGRATIONS.filter((migration) => migration.id < '0005');

function purchase(n: number, month: number) {
  const occurredAt = new Date(Date.UTC(2026, month - 1, 10, 12, 0, 0));
  return {
    event_id: `p-${n}`,
    occurred_at: occurredAt,
    occurred_at_ms: String(occurredAt.getTime()),
    customer_key: `email:c${n % 3}@example.com`,
    order_id: `o-${n}`,
    amount: `${n}.250`,
    currency: 'IRR',
    channel: 'web',
    source: 'shop',
  };
}

const refund = (n: number, month: number) => {
  const { channel: _channel, ...row } = purchase(n, month);
  return { ...row, event_id: `r-${n}`, reason: 'damaged' };
};

const PURCHASES = [1, 2, 3, 4, 5, 6].map((n) => purchase(n, n));
const REFUNDS = [1, 2].map((n) => refund(n, n + 1));

describe.each(THROWAWAY_CLICKHOUSE_ENGINES)('moving purchases and refunds to one partition, on %s', (_, open) => {
  let client: ClickHouseClient;

  beforeEach(async () => {
    client = await open();
    await migrateAnalytics(client, BEFORE_ONE_PARTITION);
    await client.insert('purchases', PURCHASES);
    await client.insert('refunds', REFUNDS);
  });

  afterEach(() => client.close());

  const rows = (table: string) => client.query<{ event_id: string; amount: string }>(`SELECT event_id, amount FROM ${table} ORDER BY event_id`);
  const partitionsOf = async (table: string) => {
    const [{ partitions }] = await client.query<{ partitions: string }>(
      `SELECT uniqExact(partition) AS partitions FROM system.parts WHERE database = currentDatabase() AND table = '${table}' AND active`,
    );
    return Number(partitions);
  };
  const tablesAside = () => client.query("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '%moving'");

  it('keeps every row once and leaves touchpoints partitioned by month', async () => {
    expect(await migrateAnalytics(client, ANALYTICS_MIGRATIONS)).toEqual(['0005-purchases-and-refunds-in-one-partition', '0006-rfm-monetary-as-decimal-38', '0007-consents', '0008-important-dates', '0009-important-dates-current-without-withdrawals', '0010-identity-current-without-the-copy-mark', '0011-rfm-snapshots-by-day-scored', '0012-consented-addresses', '0013-consented-addresses-from-identifier-keys']);

    expect(await rows('purchases')).toEqual(PURCHASES.map(({ event_id, amount }) => ({ event_id, amount })));
    expect(await rows('refunds')).toEqual(REFUNDS.map(({ event_id, amount }) => ({ event_id, amount })));
    // The rows span six months: one partition now for purchases and refunds, one per month still for touchpoints.
    expect(await partitionsOf('purchases')).toBe(1);
    expect(await partitionsOf('refunds')).toBe(1);
    await client.insert('touchpoints', PURCHASES.map(({ event_id, occurred_at, occurred_at_ms, customer_key }) => ({ event_id, occurred_at, occurred_at_ms, customer_key })));
    expect(await partitionsOf('touchpoints')).toBe(PURCHASES.length);
    expect(await tablesAside()).toEqual([]);
  });

  it('after a failure part-way through the copy, keeps every row once, and what was written meanwhile', async () => {
    // A first attempt renamed the table aside, made the new one and copied part of the rows when
    // it died; the sink then wrote a purchase to the new table.
    await client.command('RENAME TABLE purchases TO purchases_moving');
    await client.command('CREATE TABLE purchases AS purchases_moving ENGINE = ReplacingMergeTree PARTITION BY tuple() ORDER BY (customer_key, occurred_at, event_id)');
    await client.insert('purchases', PURCHASES.slice(0, 2));
    const writtenMeanwhile = purchase(7, 7);
    await client.insert('purchases', [writtenMeanwhile]);

    await migrateAnalytics(client, ANALYTICS_MIGRATIONS);

    expect(await rows('purchases')).toEqual([...PURCHASES, writtenMeanwhile].map(({ event_id, amount }) => ({ event_id, amount })));
    expect(await rows('refunds')).toEqual(REFUNDS.map(({ event_id, amount }) => ({ event_id, amount })));
    expect(await tablesAside()).toEqual([]);
  });
});

const BEFORE_BY_DAY = ANALYTICS_MIGRATIONS.filter((migration) => migration.id < '0011');
const SNAPSHOT_ROWS = [
  { run_id: 'run-1', as_of: '2026-09-30 22:00:00', window_days: 365, customer_id: 'cus_a', recency_days: 3, frequency: '2', monetary: '10.500', r: 5, f: 3, m: 3, segment: 'Loyal' },
  { run_id: 'run-2', as_of: '2026-10-02 08:00:00', window_days: 90, customer_id: 'cus_a', recency_days: 4, frequency: '1', monetary: '-1.000', r: 4, f: 1, m: 1, segment: 'At risk' },
];

describe.each(THROWAWAY_CLICKHOUSE_ENGINES)('partitioning rfm_snapshots by the day scored, on %s', (_, open) => {
  let client: ClickHouseClient;
  beforeEach(async () => {
    client = await open();
    await migrateAnalytics(client, BEFORE_BY_DAY);
    await client.insert('rfm_snapshots', SNAPSHOT_ROWS);
  });
  afterEach(() => client.close());

  const snapshots = () =>
    client.query(`SELECT run_id, toString(as_of) AS as_of, monetary, segment, toString(scored_at) AS scored_at FROM rfm_snapshots ORDER BY run_id`);
  const partitions = async () =>
    (await client.query<{ partition: string }>("SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = 'rfm_snapshots' AND active ORDER BY partition")).map((p) => p.partition);
  const expected = SNAPSHOT_ROWS.map(({ run_id, as_of, monetary, segment }) => ({ run_id, as_of, monetary, segment, scored_at: as_of }));

  it('keeps every row, scored at its as_of, one partition per day', async () => {
    expect(await migrateAnalytics(client, ANALYTICS_MIGRATIONS)).toEqual(['0011-rfm-snapshots-by-day-scored', '0012-consented-addresses', '0013-consented-addresses-from-identifier-keys']);
    expect(await snapshots()).toEqual(expected);
    expect(await partitions()).toEqual(['20260930', '20261002']);
  });

  // A first attempt copied the rows (their scoring time, say, set apart from as_of here to tell them) and renamed the old table aside.
  const copiedAndRenamedAside = async () => {
    const [, create] = ANALYTICS_MIGRATIONS.find((m) => m.id === '0011-rfm-snapshots-by-day-scored')!.statements({ version: '18.16.1', major: 18 }, new Set());
    await client.command(create);
    await client.command(`INSERT INTO rfm_snapshots_by_day SELECT *, toDateTime('2026-12-01 00:00:00', 'UTC') FROM rfm_snapshots`);
    await client.command('RENAME TABLE rfm_snapshots TO rfm_snapshots_by_month');
  };
  const copied = expected.map((row) => ({ ...row, scored_at: '2026-12-01 00:00:00' }));
  const leftAside = () => client.query("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'rfm_snapshots_%'");

  it('after a failure between the two renames of the swap, finishes it and keeps the copy', async () => {
    await copiedAndRenamedAside();
    await migrateAnalytics(client, ANALYTICS_MIGRATIONS);
    expect(await snapshots()).toEqual(copied);
    expect(await leftAside()).toEqual([]);
  });

  it('after a failure once the tables swapped names, only drops the old one', async () => {
    await copiedAndRenamedAside();
    await client.command('RENAME TABLE rfm_snapshots_by_day TO rfm_snapshots');
    await migrateAnalytics(client, ANALYTICS_MIGRATIONS);
    expect(await snapshots()).toEqual(copied);
    expect(await leftAside()).toEqual([]);
  });
});

describe.each(THROWAWAY_CLICKHOUSE_ENGINES)('consented_addresses made anew over the view 0012 first made, on %s', (_, open) => {
  it('replaces what a database that ran 0012 before holds under the name', async () => {
    const client = await open();
    try {
      await migrateAnalytics(client, ANALYTICS_MIGRATIONS.filter((migration) => migration.id < '0012'));
      // Stands for the first 0012, which read the address out of the touchpoint's JSON.
      await client.command("CREATE VIEW consented_addresses AS SELECT customer_id, channel, 'granted' AS address FROM consent_current");
      await migrateAnalytics(client, ANALYTICS_MIGRATIONS.filter((migration) => migration.id < '0013'));
      expect(await migrateAnalytics(client, ANALYTICS_MIGRATIONS)).toEqual(['0013-consented-addresses-from-identifier-keys']);
      const [{ statement }] = await client.query<{ statement: string }>(
        "SELECT create_table_query AS statement FROM system.tables WHERE database = currentDatabase() AND name = 'consented_addresses'",
      );
      expect(statement).toContain('arrayFirst');
    } finally {
      await client.close();
    }
  });
});
