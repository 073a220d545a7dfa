import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { type RecordTouchpoint } from '@cdp/loyalty';
import { UNIT_PROGRAM } from '@cdp/loyalty/testing';
import { createPgliteSqlClient, migrateSchema, type SqlClient } from '@cdp/sql';
import { loadLoyaltyAccount } from './loyalty-account-stream';
import { LoyaltyAccounts } from './loyalty-accounts';
import { addToCommandOutbox, listFailedCommands, outboxTables, sendCommandOutbox } from './loyalty-command-outbox';

const purchase = (customerId: string, amount: string): RecordTouchpoint => ({
  type: 'RecordTouchpoint',
  data: { customerId, touchpoint: { eventId: randomUUID(), type: 'purchase', occurredAt: '2026-06-01T10:00:00.000Z', payload: { orderId: randomUUID(), amount, currency: 'IRR' } } },
});

describe('the loyalty command outbox (PGlite)', () => {
  let sql: SqlClient;
  let eventStore: EventLog;
  let accounts: LoyaltyAccounts;
  beforeAll(async () => {
    sql = await createPgliteSqlClient();
    eventStore = await createPostgresEventLog(sql);
    accounts = new LoyaltyAccounts(eventStore, UNIT_PROGRAM);
    await migrateSchema(sql, 'outbox_test', outboxTables);
  });
  afterAll(() => eventStore.close().then(() => sql.close()));

  it('sets aside a command the rules refuse, with its reason, and sends every other', async () => {
    const tooBig = purchase('cus_big', '1' + '0'.repeat(30));
    await sql.transaction((tx) => addToCommandOutbox(tx, 'outbox_test', [purchase('cus_a', '100'), tooBig, purchase('cus_b', '200')]));

    await sendCommandOutbox(sql, 'outbox_test', accounts);

    expect((await loadLoyaltyAccount(eventStore, 'cus_a')).state.lifetime.earned).toBe(100);
    expect((await loadLoyaltyAccount(eventStore, 'cus_b')).state.lifetime.earned).toBe(200);
    expect((await loadLoyaltyAccount(eventStore, 'cus_big')).version).toBe('no_stream');
    const { rows } = await sql.query<{ command: unknown; error: string }>(`SELECT command, error FROM outbox_test.failed_commands`);
    expect(rows).toEqual([{ command: tooBig, error: expect.stringMatching(/RangeError/) }]);
    expect((await sql.query(`SELECT * FROM outbox_test.command_outbox`)).rows).toEqual([]);
    expect(await listFailedCommands(sql, 'outbox_test')).toEqual([{ position: expect.any(String), command: tooBig, error: rows[0].error, failedAt: expect.stringMatching(/Z$/) }]);
    expect(await listFailedCommands(sql, 'never_opened')).toEqual([]);
  });

  it('finishes a merge into another survivor than the one asked for, instead of refusing it', async () => {
    await accounts.executeInOrder([purchase('cus_m1', '300'), { type: 'MergeAccounts', data: { from: 'cus_m1', into: 'cus_m2' } }]);
    await sql.transaction((tx) => addToCommandOutbox(tx, 'outbox_test', [{ type: 'MergeAccounts', data: { from: 'cus_m1', into: 'cus_m3' } }]));

    await sendCommandOutbox(sql, 'outbox_test', accounts);

    expect((await loadLoyaltyAccount(eventStore, 'cus_m2')).state).toMatchObject({ absorbed: ['cus_m1'], lifetime: { earned: 300 } });
    expect((await loadLoyaltyAccount(eventStore, 'cus_m3')).version).toBe('no_stream');
    expect((await sql.query(`SELECT * FROM outbox_test.failed_commands WHERE command->>'type' = 'MergeAccounts'`)).rows).toEqual([]);
  });

  it('refuses a merge back into an account closed into it, and changes nothing', async () => {
    await accounts.executeInOrder([purchase('cus_c1', '300'), { type: 'MergeAccounts', data: { from: 'cus_c1', into: 'cus_c2' } }]);
    const before = await loadLoyaltyAccount(eventStore, 'cus_c2');
    // Sent with other work: the batch is refused, then each command is sent alone.
    await sql.transaction((tx) =>
      addToCommandOutbox(tx, 'outbox_test', [purchase('cus_c3', '100'), { type: 'MergeAccounts', data: { from: 'cus_c2', into: 'cus_c1' } }]),
    );

    await sendCommandOutbox(sql, 'outbox_test', accounts);

    expect(await loadLoyaltyAccount(eventStore, 'cus_c2')).toEqual(before);
    expect(before.state).toMatchObject({ mergedInto: null, absorbed: ['cus_c1'], lifetime: { earned: 300 } });
    expect((await loadLoyaltyAccount(eventStore, 'cus_c3')).state.lifetime.earned).toBe(100);
    const { rows } = await sql.query<{ error: string }>(`SELECT error FROM outbox_test.failed_commands WHERE command->'data'->>'from' = 'cus_c2'`);
    expect(rows).toEqual([{ error: expect.stringMatching(/^MergeCycleError: the loyalty account of cus_c1 was merged into cus_c2's/) }]);
  });
});
