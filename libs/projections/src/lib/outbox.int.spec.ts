import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { createPostgresSqlClient, migrateSchema } from '@cdp/sql';
import { testDatabaseUrl, transactionCommittingLate } from '@cdp/sql/testing';
import { addToOutbox, outboxLength, outboxTableDdl, publishOutbox, type OutboxEntry } from './outbox';

const entry = (name: string): OutboxEntry => ({ streamId: `identity-${name}`, event: { eventId: randomUUID(), type: 'CustomerMerged', data: { name } } });

describe('an outbox written by two processes (Postgres)', () => {
  it('appends an event whose transaction committed while later ones were being appended, instead of forgetting it', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    const schema = `outbox_test_${randomUUID().slice(0, 8)}`;
    const store = `outbox_store_${randomUUID().slice(0, 8)}`;
    const eventStore = await createPostgresEventLog(sql, { schema: store });
    try {
      await migrateSchema(sql, schema, (s) => [outboxTableDdl(s)]);
      // One process's batch takes the first position and commits late; another's commits at once.
      const late = await transactionCommittingLate(sql, (tx) => addToOutbox(tx, schema, [entry('late')]));
      await sql.transaction((tx) => addToOutbox(tx, schema, [entry('early')]));
      // The late one commits while the early event alone, all that was read, is appended.
      let appends = 0;
      const appendingWhileTheLateCommits = {
        appendMany: async (...args: Parameters<EventLog['appendMany']>) => {
          const appended = await eventStore.appendMany(...args);
          if (appends++ === 0) {
            await late.commit();
          }
          return appended;
        },
      } as EventLog;

      await publishOutbox(sql, schema, appendingWhileTheLateCommits);

      expect((await eventStore.readStream('identity-early')).map((e) => e.data)).toEqual([{ name: 'early' }]);
      expect((await eventStore.readStream('identity-late')).map((e) => e.data)).toEqual([{ name: 'late' }]);
      expect((await sql.query(`SELECT * FROM ${schema}.outbox`)).rows).toEqual([]);
    } finally {
      await eventStore.close();
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.query(`DROP SCHEMA IF EXISTS ${store} CASCADE`);
      await sql.close();
    }
  });
});

describe('outboxLength (Postgres)', () => {
  it('counts what waits to be sent, and is null before the table exists', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    const schema = `outbox_length_${randomUUID().slice(0, 8)}`;
    try {
      expect(await outboxLength(sql, schema)).toBeNull();
      await migrateSchema(sql, schema, (s) => [outboxTableDdl(s)]);
      expect(await outboxLength(sql, schema)).toBe(0);
      await sql.transaction((tx) => addToOutbox(tx, schema, [entry('a'), entry('b')]));
      expect(await outboxLength(sql, schema)).toBe(2);
      expect(await outboxLength(sql, schema, 'command_outbox')).toBeNull();
    } finally {
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    }
  });
});
