import { CUSTOMER_FEED_SCHEMA } from '@cdp/customer-feed';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import type { EventLog } from '@cdp/event-log';
import { loyaltyBalance, type LoyaltyAccountCommand } from '@cdp/loyalty';
import { UNIT_PROGRAM } from '@cdp/loyalty/testing';
import { loadLoyaltyAccount, LoyaltyAccounts, loyaltyProjection, LOYALTY_PROJECTION } from '@cdp/loyalty-accounts';
import { migrateProjectionTables, rebuildProjection, runProjection, type ProjectionRunner } from '@cdp/projections';
import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { isolatedServers } from '../support/isolated-servers';

const CUSTOMERS = 10_000;
const NOW = '2026-11-23T00:00:00.000Z';

/** A small deterministic generator, so a failure can be replayed. */
function* numbers(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    yield x;
  }
}

/** The touchpoints of customer i: one to three purchases, now and then a refund or a bonus visit. */
function touchpointsOf(i: number, random: Generator<number>): LoyaltyAccountCommand[] {
  const next = (n: number) => random.next().value % n;
  const customerId = `cus_${i}`;
  const commands: LoyaltyAccountCommand[] = [];
  const purchases = 1 + next(3);
  for (let p = 0; p < purchases; p++) {
    const occurredAt = new Date(Date.parse('2025-06-01T00:00:00Z') + next(500) * 86_400_000 + next(86_400_000)).toISOString();
    const payload = { orderId: `o-${i}-${p}`, amount: `${100 + next(3000)}.${next(100)}`, currency: 'IRR' };
    commands.push({ type: 'RecordTouchpoint', data: { customerId, touchpoint: { eventId: `p-${i}-${p}`, type: 'purchase', occurredAt, payload } } });
    if (next(5) === 0) {
      const refundAt = new Date(Date.parse(occurredAt) + 86_400_000).toISOString();
      const refund = { orderId: payload.orderId, amount: String(1 + next(100)), currency: 'IRR' };
      commands.push({ type: 'RecordTouchpoint', data: { customerId, touchpoint: { eventId: `r-${i}-${p}`, type: 'refund', occurredAt: refundAt, payload: refund } } });
    }
  }
  return commands;
}

async function snapshot(sql: SqlClient) {
  const accounts = await sql.query<{ customer_id: string; state: any; version: number; merged_into: string | null; next_expiry_at: string | null }>(
    `SELECT customer_id, state, version, merged_into, next_expiry_at FROM ${LOYALTY_PROJECTION}.accounts ORDER BY customer_id`,
  );
  const ledger = await sql.query(`SELECT * FROM ${LOYALTY_PROJECTION}.ledger ORDER BY event_id`);
  const balances = Object.fromEntries(accounts.rows.map((a) => [a.customer_id, loyaltyBalance(a.state, UNIT_PROGRAM, NOW).available]));
  return { accounts: accounts.rows, ledger: ledger.rows, balances };
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

describe('the loyalty read model, rebuilt, equals the live one (Postgres)', () => {
  let servers: Awaited<ReturnType<typeof isolatedServers>>;
  let sql: SqlClient;
  let eventStore: EventLog;
  let live: ProjectionRunner | undefined;
  beforeAll(async () => {
    servers = await isolatedServers();
    sql = createPostgresSqlClient({ connectionString: servers.env.DATABASE_URL });
    eventStore = await createPostgresEventLog(sql);
    await migrateProjectionTables(sql);
  });
  afterAll(async () => {
    await live?.close();
    await eventStore?.close();
    await sql?.close();
    await servers?.drop();
  });

  it(`projects ${CUSTOMERS.toLocaleString('en')} generated accounts live, rebuilds, and finds every balance, account and ledger row equal`, async () => {
    const accounts = new LoyaltyAccounts(eventStore, UNIT_PROGRAM);
    const random = numbers(20261123);
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({ customerId: `cus_${i}`, commands: touchpointsOf(i, random) }));
    await inParallel(customers, 16, ({ commands }) => accounts.executeInOrder(commands));
    // Spend some, merge some, and let some lots expire, so every event type is in the streams.
    await inParallel(customers.filter((_, i) => i % 4 === 0), 16, ({ customerId }) =>
      accounts.execute({ type: 'RedeemPoints', data: { customerId, redemptionId: `red-${customerId}`, idempotencyKey: 'k', points: 50, reason: '', requestedAt: '2026-06-01T00:00:00.000Z' } }).catch(() => undefined),
    );
    for (let i = 1; i < CUSTOMERS; i += 97) await accounts.executeInOrder([{ type: 'MergeAccounts', data: { from: `cus_${i}`, into: `cus_${i - 1}` } }]);
    await inParallel(customers.filter((_, i) => i % 7 === 0), 16, ({ customerId }) => accounts.executeInOrder([{ type: 'ExpirePoints', data: { customerId, now: NOW } }]));

    const definition = loyaltyProjection({ accounts });
    live = await runProjection({ name: definition.name, handler: await definition.open(sql, definition.schema), log: eventStore, sql, maxBatchSize: 5000 });
    for (let pending: number | null = 1; pending !== 0; await new Promise((r) => setTimeout(r, 100))) pending = await eventStore.pendingAfter(live.checkpoint());
    const before = await snapshot(sql);
    expect(Object.keys(before.balances).length).toBe(CUSTOMERS);
    expect(new Set(before.ledger.map((row: any) => row.type))).toEqual(
      new Set(['PointsEarned', 'RefundRecorded', 'PointsClawedBack', 'PointsRedeemed', 'PointsExpired', 'LoyaltyAccountMerged', 'LoyaltyAccountAbsorbed', 'PointsAdjusted']),
    );
    for (const { customerId } of customers.filter((_, i) => i % 100 === 0)) {
      expect((await loadLoyaltyAccount(eventStore, customerId)).state).toEqual(before.accounts.find((a) => a.customer_id === customerId)!.state);
    }

    // One account as an older version's rules folded it: the rebuild mends it, and tells the feed about that customer alone.
    await sql.query(`UPDATE ${LOYALTY_PROJECTION}.accounts SET state = json_build_object('stale', true) WHERE customer_id = 'cus_0'`);
    // One as a version before 2026-12-05 stored it, as jsonb, with jsonb's key order and spacing: the same account.
    await sql.query(`UPDATE ${LOYALTY_PROJECTION}.accounts SET state = state::jsonb::json WHERE customer_id = 'cus_2'`);
    await sql.query(`DELETE FROM ${CUSTOMER_FEED_SCHEMA}.changed_customers`);

    await rebuildProjection({ definition, log: eventStore, sql, pauseLive: () => live!.close() });
    live = undefined;

    expect(await snapshot(sql)).toEqual(before);
    expect((await sql.query(`SELECT customer_id FROM ${CUSTOMER_FEED_SCHEMA}.changed_customers`)).rows).toEqual([{ customer_id: 'cus_0' }]);
  }, 180_000);
});
