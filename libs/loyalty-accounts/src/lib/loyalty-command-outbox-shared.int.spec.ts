import { randomUUID } from 'node:crypto';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { type RecordTouchpoint } from '@cdp/loyalty';
import { UNIT_PROGRAM } from '@cdp/loyalty/testing';
import { createPostgresSqlClient, migrateSchema } from '@cdp/sql';
import { testDatabaseUrl, transactionCommittingLate } from '@cdp/sql/testing';
import { loadLoyaltyAccount } from './loyalty-account-stream';
import { LoyaltyAccounts } from './loyalty-accounts';
import { addToCommandOutbox, outboxTables, sendCommandOutbox } from './loyalty-command-outbox';

const purchase = (customerId: string): RecordTouchpoint => ({
  type: 'RecordTouchpoint',
  data: { customerId, touchpoint: { eventId: randomUUID(), type: 'purchase', occurredAt: '2026-06-01T10:00:00.000Z', payload: { orderId: randomUUID(), amount: '100', currency: 'IRR' } } },
});

describe('the loyalty command outbox, written by two processes (Postgres)', () => {
  it('sends a command whose transaction committed while later ones were being sent, instead of forgetting it unsent', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    const schema = `outbox_shared_${randomUUID().slice(0, 8)}`;
    const store = `outbox_store_${randomUUID().slice(0, 8)}`;
    const eventStore = await createPostgresEventLog(sql, { schema: store });
    try {
      await migrateSchema(sql, schema, outboxTables);
      const accounts = new LoyaltyAccounts(eventStore, UNIT_PROGRAM);
      // One process's batch takes the first position and commits late; another's commits at once.
      const late = await transactionCommittingLate(sql, (tx) => addToCommandOutbox(tx, schema, [purchase('cus_late')]));
      await sql.transaction((tx) => addToCommandOutbox(tx, schema, [purchase('cus_early')]));
      // The late one commits while the sender is sending what it read, the early command alone.
      let sends = 0;
      const sendingWhileTheLateCommits = {
        executeInOrder: async (commands: Parameters<LoyaltyAccounts['executeInOrder']>[0]) => {
          await accounts.executeInOrder(commands);
          if (sends++ === 0) {
            await late.commit();
          }
        },
      } as LoyaltyAccounts;

      await sendCommandOutbox(sql, schema, sendingWhileTheLateCommits);

      expect((await loadLoyaltyAccount(eventStore, 'cus_early')).state.lifetime.earned).toBe(100);
      expect((await loadLoyaltyAccount(eventStore, 'cus_late')).state.lifetime.earned).toBe(100);
      expect((await sql.query(`SELECT * FROM ${schema}.command_outbox`)).rows).toEqual([]);
    } finally {
      await eventStore.close();
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.query(`DROP SCHEMA IF EXISTS ${store} CASCADE`);
      await sql.close();
    }
  });
});
