import { migrateAnalytics, sqlLiteral, type ClickHouseClient } from '@cdp/clickhouse';
import { THROWAWAY_CLICKHOUSE_ENGINES } from '@cdp/clickhouse/testing';
import { MS_PER_DAY } from '@cdp/events';
import { DEFAULT_RFM_GRID, parseRfmGrid, type RfmGrid, type RfmScore } from '@cdp/rfm';
import { ANALYTICS_MIGRATIONS } from '../tables/analytics-migrations';
import { dropAbandonedWorkTables, rfmWorkTable, runRfmQuery, type RfmSnapshotRow, type RfmRunRequest } from './rfm-query';
import { AS_OF, FIFTHS_AS_OF, generateRfmTestData, type MoneyEvent, type RfmTestData } from './rfm-test-data';

const data = generateRfmTestData('rfm-query');
const CUSTOM_GRID = parseRfmGrid(
  Object.fromEntries(['5', '4', '3', '2', '1'].map((r) => [r, ['1', '2', '3', '4', '5'].map((fm) => `R${r} FM${fm}, can't miss`)])),
);
const RUNS: readonly RfmRunRequest[] = [
  { runId: 'window-90', asOf: AS_OF, windowDays: 90, currency: 'IRR' },
  { runId: 'window-all', asOf: AS_OF, windowDays: 'all', currency: 'IRR' },
  { runId: 'custom-grid 365', asOf: AS_OF, windowDays: 365, currency: 'IRR', grid: CUSTOM_GRID },
  { runId: 'dollars', asOf: '2026-03-01T00:00:00+03:30', windowDays: 30, currency: 'USD' },
  { runId: 'fifths', asOf: FIFTHS_AS_OF, windowDays: 'all', currency: 'IRR' },
];
const rowsByEngine = new Map<string, Map<string, RfmSnapshotRow[]>>();

describe('the data set', () => {
  it('has ties in every measure, monetary zero and negative, empty windows and customers of unknown keys', () => {
    const rows = expectedSnapshot(data, RUNS[0]);
    const tied = (values: unknown[]) => new Set(values).size < values.length;
    expect(tied(rows.map((row) => row.recency_days)) && tied(rows.map((row) => row.frequency)) && tied(rows.map((row) => row.monetary))).toBe(true);
    expect(rows.map((row) => row.monetary)).toContain('0.000');
    expect(rows.some((row) => row.monetary.startsWith('-'))).toBe(true);
    expect(rows.some((row) => row.frequency === '0')).toBe(true);
    expect(rows.some((row) => row.customer_id.startsWith('cus_evt_'))).toBe(true);
    expect(new Set(rows.flatMap((row) => [row.r, row.f, row.m]))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it('gives the fifths case scores worked out by hand, where ceil(kN/5) = kN/5', () => {
    const rows = expectedSnapshot(data, RUNS.find((run) => run.runId === 'fifths')!);
    const scores = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
    expect(rows.map(({ r, f, m }) => [r, f, m])).toEqual(scores.map((score) => [score, score, score]));
  });
});

describe.each(THROWAWAY_CLICKHOUSE_ENGINES)('the RFM query on %s', (engine, open) => {
  let client: ClickHouseClient;
  const rowsByRun = new Map<string, RfmSnapshotRow[]>();
  rowsByEngine.set(engine, rowsByRun);

  beforeAll(async () => {
    client = await open();
    await migrateAnalytics(client, ANALYTICS_MIGRATIONS);
    await client.insert('purchases', data.events.filter((e) => e.kind === 'purchase').map(tableRow));
    await client.insert('refunds', data.events.filter((e) => e.kind === 'refund').map(tableRow));
    for (const batch of data.identityBatches) await client.insert('identity_map', batch);
  });
  afterAll(() => client.close());

  it.each(RUNS)('scores every customer of the population as the definition says ($runId)', async (request) => {
    const expected = expectedSnapshot(data, request);

    const started = Math.floor(Date.now() / 1000) * 1000;
    expect(await runRfmQuery(client, request)).toBe(expected.length);
    const finished = Date.now();
    const scored = await client.query<RfmSnapshotRow & { as_of: string; window_days: number; scored_at: string }>(
      `SELECT * FROM rfm_snapshots WHERE run_id = ${sqlLiteral(request.runId)} ORDER BY customer_id`,
    );
    // The day a run scored decides when it goes (purgeRfmHistory): the time it ran, to the second.
    for (const { scored_at } of scored) expect(Date.parse(`${scored_at.replace(' ', 'T')}Z`)).toBeGreaterThanOrEqual(started);
    for (const { scored_at } of scored) expect(Date.parse(`${scored_at.replace(' ', 'T')}Z`)).toBeLessThanOrEqual(finished);
    const rows = scored.map(({ scored_at: _scoredAt, ...row }) => row);
    expect(rows.map(({ customer_id, recency_days, frequency, monetary, r, f, m, segment }) => ({ customer_id, recency_days, frequency, monetary, r, f, m, segment }))).toEqual(
      expected,
    );
    expect(new Set(rows.map((row) => `${row.as_of} ${row.window_days}`))).toEqual(
      new Set([`${new Date(request.asOf).toISOString().slice(0, 19).replace('T', ' ')} ${request.windowDays === 'all' ? 0 : request.windowDays}`]),
    );
    rowsByRun.set(request.runId, rows);
    expect(await workTables(client)).toEqual([]);
  });

  it('dates its rows with the scoring time it is given, the platform clock that the purge of old runs goes by', async () => {
    await runRfmQuery(client, { ...RUNS[0], runId: 'scored-at', scoredAt: '2026-01-02T03:04:05.678Z' });
    expect(await client.query(`SELECT DISTINCT toString(scored_at) AS scored_at FROM rfm_snapshots WHERE run_id = 'scored-at'`)).toEqual([{ scored_at: '2026-01-02 03:04:05' }]);
  });

  it('scores no one when no purchase is at or before asOf', async () => {
    expect(await runRfmQuery(client, { runId: 'before-everything', asOf: '2020-01-01T00:00:00Z', windowDays: 90, currency: 'IRR' })).toBe(0);
    expect(await client.query("SELECT * FROM rfm_snapshots WHERE run_id = 'before-everything'")).toEqual([]);
  });

  it('drops its work tables when a statement fails', async () => {
    const failingInsert: ClickHouseClient = {
      ...client,
      command: (sql) => (sql.startsWith('INSERT INTO rfm_snapshots') ? Promise.reject(new Error('refused')) : client.command(sql)),
    };

    await expect(runRfmQuery(failingInsert, { runId: 'failing', asOf: AS_OF, windowDays: 90, currency: 'IRR' })).rejects.toThrow('refused');
    expect(await workTables(client)).toEqual([]);
  });

  it("leaves alone the work tables of a run still under way, which may be another process's", async () => {
    const underWay = rfmWorkTable('another-process', 'by_customer');
    await client.command(`CREATE TABLE ${underWay} ENGINE = Memory AS SELECT 1 AS customer_id`);
    await dropAbandonedWorkTables(client);
    expect(await workTables(client)).toHaveLength(1);
    await client.command(`DROP TABLE ${underWay}`);
  });
});

describe('both engines', () => {
  it('give identical rows', () => {
    const [server, chdb] = THROWAWAY_CLICKHOUSE_ENGINES.map(([engine]) => rowsByEngine.get(engine)!);
    expect(server.size).toBe(RUNS.length);
    expect(chdb).toEqual(server);
  });
});

function tableRow({ eventId, customerKey, occurredAtMs, milli, currency }: MoneyEvent) {
  return { event_id: eventId, customer_key: customerKey, occurred_at: new Date(occurredAtMs), occurred_at_ms: occurredAtMs, amount: decimalText(BigInt(milli)), currency };
}

async function workTables(client: ClickHouseClient): Promise<unknown[]> {
  return client.query("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'rfm_work_%'");
}

/** The RFM definition, followed literally: naive, but plain to check by eye. */
function expectedSnapshot({ events, identityBatches }: RfmTestData, request: RfmRunRequest): RfmSnapshotRow[] {
  const asOfMs = Date.parse(request.asOf);
  const windowStartMs = request.windowDays === 'all' ? -Infinity : asOfMs - request.windowDays * MS_PER_DAY;
  const latest = new Map<string, { customer_id: string; version: number }>();
  for (const row of identityBatches.flat()) if ((latest.get(row.key)?.version ?? 0) < row.version) latest.set(row.key, row);
  const customerOf = (event: MoneyEvent) => (event.customerKey === '' ? undefined : latest.get(event.customerKey)?.customer_id) ?? `cus_${event.eventId.replace(/-/g, '')}`;

  const counted = events.filter((event) => event.occurredAtMs <= asOfMs);
  const population = [...new Set(counted.filter((event) => event.kind === 'purchase').map(customerOf))].sort();
  const measures = population.map((customerId) => {
    const own = counted.filter((event) => customerOf(event) === customerId);
    const inWindow = own.filter((event) => event.occurredAtMs > windowStartMs);
    const lastPurchaseMs = Math.max(...own.filter((event) => event.kind === 'purchase').map((event) => event.occurredAtMs));
    return {
      customerId,
      recencyDays: Math.floor((asOfMs - lastPurchaseMs) / MS_PER_DAY),
      frequency: inWindow.filter((event) => event.kind === 'purchase').length,
      monetaryMilli: inWindow
        .filter((event) => event.currency === request.currency)
        .reduce((sum, event) => sum + (event.kind === 'purchase' ? BigInt(event.milli) : -BigInt(event.milli)), 0n),
    };
  });
  const score = (strictlyWorse: number) => (1 + Math.floor((5 * strictlyWorse) / measures.length)) as RfmScore;
  const grid: RfmGrid = request.grid ?? DEFAULT_RFM_GRID;
  return measures.map(({ customerId, recencyDays, frequency, monetaryMilli }) => {
    const r = score(measures.filter((other) => other.recencyDays > recencyDays).length);
    const f = score(measures.filter((other) => other.frequency < frequency).length);
    const m = score(measures.filter((other) => other.monetaryMilli < monetaryMilli).length);
    const fm = Math.floor((f + m + 1) / 2);
    return { customer_id: customerId, recency_days: recencyDays, frequency: String(frequency), monetary: decimalText(monetaryMilli), r, f, m, segment: grid[r][fm - 1] };
  });
}

function decimalText(milli: bigint): string {
  const units = milli < 0n ? -milli : milli;
  return `${milli < 0n ? '-' : ''}${units / 1000n}.${String(units % 1000n).padStart(3, '0')}`;
}
