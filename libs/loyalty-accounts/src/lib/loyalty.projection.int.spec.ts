import { randomUUID } from 'node:crypto';
import type { EventLog, RecordedEvent } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { balanceOf, DEFAULT_LOYALTY_PROGRAM, type RecordTouchpoint } from '@cdp/loyalty';
import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { loadLoyaltyAccount, loyaltyAccountStreamId } from './loyalty-account-stream';
import { LoyaltyAccounts, type AccountsCommand } from './loyalty-accounts';
import { loyaltyProjection } from './loyalty.projection';

const purchase = (customerId: string, amount: string): RecordTouchpoint => ({
  type: 'RecordTouchpoint',
  data: { customerId, touchpoint: { eventId: randomUUID(), type: 'purchase', occurredAt: '2026-06-01T10:00:00.000Z', payload: { orderId: randomUUID(), amount, currency: 'IRR' } } },
});
const merge = (from: string, into: string): AccountsCommand => ({ type: 'MergeAccounts', data: { from, into } });

describe('the loyalty projection (Postgres server)', () => {
  let sql: SqlClient;
  let eventStore: EventLog;
  const run = randomUUID().slice(0, 8);
  const schemas = [`loyalty_projection_test_${run}`, `loyalty_projection_test_${run}_one_batch`];
  beforeAll(async () => {
    sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    eventStore = await createPostgresEventLog(sql, { schema: `loyalty_projection_log_${run}` });
  });
  afterAll(async () => {
    await eventStore.close();
    for (const schema of [...schemas, `loyalty_projection_log_${run}`]) await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });

  /** The accounts' events in the order the log holds them. */
  async function eventsOf(customerIds: readonly string[]): Promise<RecordedEvent[]> {
    const streams = await eventStore.readStreams(customerIds.map((id) => ({ streamId: loyaltyAccountStreamId(id) })));
    return streams.flat().sort((x, y) => (BigInt(x.position) < BigInt(y.position) ? -1 : 1));
  }

  async function project(schema: string, batches: readonly (readonly RecordedEvent[])[]) {
    const projection = await loyaltyProjection({ accounts: new LoyaltyAccounts(eventStore, DEFAULT_LOYALTY_PROGRAM) }).open(sql, schema);
    for (const batch of batches) await sql.transaction((tx) => projection.apply(tx, batch, { resumed: true }));
    const { rows } = await sql.query<{ event_id: string; account_id: string; points: string }>(`SELECT event_id, account_id, points FROM ${schema}.ledger ORDER BY event_id`);
    return rows;
  }

  it("gives every row of a chain of merged accounts to the last survivor, whether the merges come in the batch of the rows or a later one", async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => `cus_ledger_${run}_${name}`);
    const accounts = new LoyaltyAccounts(eventStore, DEFAULT_LOYALTY_PROGRAM);
    await accounts.executeInOrder([purchase(a, '1000'), purchase(b, '2000'), purchase(c, '3000'), purchase(d, '4000')]);
    const before = await eventsOf([a, b, c, d]);
    // b absorbs a, then c absorbs b, d stays apart; a's purchase after its merge goes to c.
    await accounts.executeInOrder([merge(a, b), purchase(b, '500'), merge(b, c), purchase(a, '700')]);
    const all = await eventsOf([a, b, c, d]);
    const merges = all.slice(before.length);

    const ledger = await project(schemas[0], [before, merges]);
    expect(await project(schemas[1], [all])).toEqual(ledger);

    expect(ledger).toHaveLength(all.length);
    expect(new Set(ledger.map((row) => row.account_id))).toEqual(new Set([c, d]));
    for (const customerId of [c, d]) {
      const { state } = await loadLoyaltyAccount(eventStore, customerId);
      const points = ledger.filter((row) => row.account_id === customerId).reduce((sum, row) => sum + BigInt(row.points), 0n);
      expect(points).toBe(BigInt(balanceOf(state)));
      expect(points).toBeGreaterThan(0n);
    }
  });
});
