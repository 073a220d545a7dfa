import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { describeEventLogContract } from '@cdp/event-log/testing';
import { createPostgresEventLog } from './postgres-event-log';

describeEventLogContract('Postgres server', async () => {
  const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
  const schema = `event_log_test_${randomUUID().slice(0, 8)}`;
  const log = await createPostgresEventLog(sql, { schema });
  const close = async () => {
    await log.close();
    await sql.query(`DROP SCHEMA ${schema} CASCADE`);
    await sql.close();
  };
  return { ...log, close };
});

describe('Postgres event log: one global order', () => {
  it('writes the streams of appendMany in the order they are first named, so that what caused what stays in order', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    const schema = `event_log_test_${randomUUID().slice(0, 8)}`;
    const log = await createPostgresEventLog(sql, { schema });
    const event = (n: number) => ({ eventId: randomUUID(), type: 'thing_happened', data: { n } });
    try {
      // The first sorts after the second: an order by stream id would show.
      await log.appendMany([
        { streamId: 'order-b', events: [event(0)] },
        { streamId: 'order-a', events: [event(1)] },
        { streamId: 'order-b', events: [event(2)] },
      ]);

      const { rows } = await sql.query<{ n: number }>(`SELECT (data->>'n')::int AS n FROM ${schema}.events ORDER BY global_position`);
      expect(rows.map((r) => r.n)).toEqual([0, 2, 1]);
    } finally {
      await log.close();
      await sql.query(`DROP SCHEMA ${schema} CASCADE`);
      await sql.close();
    }
  });
});

describe('Postgres event log: subscribers of one process', () => {
  it('read the log once between them, and get the same events', async () => {
    const schema = `event_log_test_${randomUUID().slice(0, 8)}`;
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    let rowsRead = 0;
    const counted: SqlClient = {
      ...sql,
      query: async (text, params) => {
        const result = await sql.query(text, params);
        if (text.includes('SELECT * FROM') && text.includes('(transaction_id, global_position) >')) rowsRead += result.rows.length;
        return result as never;
      },
    };
    const log = await createPostgresEventLog(counted, { schema });
    const from = await log.headCheckpoint();
    const received = [[], [], []].map(() => [] as string[]);
    const subscriptions = await Promise.all(
      received.map((events, n) => log.subscribe({ subscriberId: `sharing-${n}`, from, onBatch: async (batch) => void events.push(...batch.events.map((e) => e.eventId)) })),
    );
    try {
      const appended = Array.from({ length: 1_000 }, (_, n) => ({ eventId: randomUUID(), type: 'thing_happened', data: { n } }));
      await log.appendMany(appended.map((event, n) => ({ streamId: `sharing-${n % 10}`, events: [event] })));
      while (received.some((events) => events.length < appended.length)) await sleep(10);

      const inOrder = (await log.readStreams(Array.from({ length: 10 }, (_, n) => ({ streamId: `sharing-${n}` })))).flat();
      expect(received.map((events) => [...events].sort())).toEqual(received.map(() => inOrder.map((e) => e.eventId).sort()));
      expect(rowsRead).toBe(appended.length);
    } finally {
      await Promise.all(subscriptions.map((s) => s.close()));
      await log.close();
      await sql.query(`DROP SCHEMA ${schema} CASCADE`);
      await sql.close();
    }
  });
});

describe('Postgres event log: a subscriber behind the others of its process', () => {
  it('takes what they read as one batch, not a batch for each small read of theirs', async () => {
    const schema = `event_log_test_${randomUUID().slice(0, 8)}`;
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    const log = await createPostgresEventLog(sql, { schema });
    const from = await log.headCheckpoint();
    const caughtUp: string[] = [];
    const behind: string[][] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const subscriptions = await Promise.all([
      log.subscribe({ subscriberId: 'caught-up', from, onBatch: async (batch) => void caughtUp.push(...batch.events.map((e) => e.eventId)) }),
      log.subscribe({
        subscriberId: 'behind',
        from,
        onBatch: async (batch) => {
          behind.push(batch.events.map((e) => e.eventId));
          await released;
        },
      }),
    ]);
    try {
      // A trickle: one event a transaction, each read by the caught-up subscriber as a page of its own.
      const appended: string[] = [];
      for (let n = 0; n < 40; n++) {
        const eventId = randomUUID();
        await log.append(`trickle-${n % 4}`, [{ eventId, type: 'thing_happened', data: { n } }]);
        appended.push(eventId);
        while (caughtUp.length < appended.length) await sleep(5);
      }
      release();
      while (behind.flat().length < appended.length) await sleep(10);

      expect(behind.flat()).toEqual(appended);
      // Its first batch held it up while the rest came; all of the rest comes in the next.
      expect(behind.length).toBe(2);
    } finally {
      release();
      await Promise.all(subscriptions.map((s) => s.close()));
      await log.close();
      await sql.query(`DROP SCHEMA ${schema} CASCADE`);
      await sql.close();
    }
  });
});

describe('Postgres event log: idle subscribers', () => {
  it("cost one look per interval between them in a process, and see another process's appends within moments", async () => {
    const schema = `event_log_test_${randomUUID().slice(0, 8)}`;
    const writerSql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    const readerSql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    let queries = 0;
    // The watcher's looks (see logChangeWatcher), counted once answered.
    let looks = 0;
    const counted: SqlClient = {
      ...readerSql,
      query: (text, params) => {
        queries++;
        const answer = readerSql.query(text, params);
        if (text.includes(' AS state')) void answer.then(() => looks++, () => undefined);
        return answer as never;
      },
    };
    const writer = await createPostgresEventLog(writerSql, { schema });
    // Another process: its subscribers are not woken by the writer's appends in memory.
    const reader = await createPostgresEventLog(counted, { schema, pollIntervalMs: 20 });
    const from = await reader.headCheckpoint();
    const received = Array.from({ length: 20 }, () => [] as string[]);
    // How many looks the watcher had made when each subscriber got its first batch.
    const receivedAtLook: number[] = [];
    const subscriptions = await Promise.all(
      received.map((events, n) =>
        reader.subscribe({
          subscriberId: `idle-${n}`,
          from,
          onBatch: async (batch) => {
            receivedAtLook[n] ??= looks;
            events.push(...batch.events.map((e) => e.eventId));
          },
        }),
      ),
    );
    try {
      await sleep(300);
      queries = 0;
      await sleep(1_000);
      // A read every 20 ms by each of the 20 would be about 1,000.
      expect(queries).toBeLessThan(150);
      expect(looks).toBeGreaterThan(0);

      const eventId = randomUUID();
      await writer.append(`idle-${randomUUID()}`, [{ eventId, type: 'thing_happened', data: {} }]);
      const looksAtAppend = looks;
      for (const deadline = Date.now() + 10_000; received.some((events) => events.length === 0) && Date.now() < deadline; ) await sleep(10);

      expect(received).toEqual(received.map(() => [eventId]));
      // Within moments, counted in the watcher's looks (20 ms apart) rather than in wall-clock time,
      // which a pause of the test process stretches: woken by the look that sees the append, every
      // subscriber has it a look or two later. Left to its own ask, once a second, a subscriber
      // would wait up to about 40 looks.
      expect(Math.max(...receivedAtLook) - looksAtAppend).toBeLessThanOrEqual(10);
    } finally {
      await Promise.all(subscriptions.map((s) => s.close()));
      await reader.close();
      await writer.close();
      await writerSql.query(`DROP SCHEMA ${schema} CASCADE`);
      await Promise.all([writerSql.close(), readerSql.close()]);
    }
  });
});

describe('Postgres event log: the head checkpoint', () => {
  it('comes before the events of a transaction still running, so that a subscriber from it gets them once they commit', async () => {
    const schema = `event_log_test_${randomUUID().slice(0, 8)}`;
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    const log = await createPostgresEventLog(sql, { schema });
    const slow = { eventId: randomUUID(), type: 'thing_happened', data: {} };
    const quick = { eventId: randomUUID(), type: 'thing_happened', data: {} };
    let commitSlow!: () => void;
    const slowMayCommit = new Promise<void>((resolve) => (commitSlow = resolve));
    let slowAppended!: () => void;
    const slowIsRunning = new Promise<void>((resolve) => (slowAppended = resolve));
    const received: string[] = [];
    try {
      // The slow transaction takes its transaction id first, and commits after the quick one.
      const slowTransaction = sql.transaction(async (tx) => {
        await log.appendInTransaction(tx, [{ streamId: `slow-${randomUUID()}`, events: [slow] }]);
        slowAppended();
        await slowMayCommit;
      });
      await slowIsRunning;
      await log.append(`quick-${randomUUID()}`, [quick]);

      const subscription = await log.subscribe({ subscriberId: 'from-head', from: await log.headCheckpoint(), onBatch: async (batch) => void received.push(...batch.events.map((e) => e.eventId)) });
      commitSlow();
      await slowTransaction;
      log.appended();
      for (const deadline = Date.now() + 5_000; !received.includes(slow.eventId) && Date.now() < deadline; ) await sleep(10);
      await subscription.close();

      expect(received).toContain(slow.eventId);
    } finally {
      commitSlow();
      await log.close();
      await sql.query(`DROP SCHEMA ${schema} CASCADE`);
      await sql.close();
    }
  });
});
