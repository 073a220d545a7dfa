import { testDatabaseUrl } from '../testing';
import { createPgliteSqlClient } from './pglite-sql-client';
import { createPostgresSqlClient } from './postgres-sql-client';
import { endIfIdleWhileHoldingLock } from './shared-lock-holder';

describe('a transaction that holds a lock every process waits for (Postgres server)', () => {
  const holder = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1 });
  const waiter = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1 });
  const key = `cdp-test-lock-holder-${process.pid}-${Date.now()}`;
  afterAll(() => Promise.all([holder.close(), waiter.close()]));

  it('is ended by the server once it sits idle past the limit, and the lock goes to the process waiting for it', async () => {
    let resume: () => void = () => undefined;
    const frozen = new Promise<void>((resolve) => (resume = resolve));
    const holding = holder.transaction(async (tx) => {
      await endIfIdleWhileHoldingLock(tx, 1);
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [key]);
      // The holder's process stops answering, with its connection up.
      await frozen;
      await tx.query('SELECT 1');
    });
    const outcome = holding.then(() => 'committed', (error: Error) => error.message);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const started = Date.now();
    await waiter.transaction((tx) => tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [key]));
    const waitedMs = Date.now() - started;
    resume();

    expect(waitedMs).toBeGreaterThan(500);
    expect(waitedMs).toBeLessThan(10_000);
    // Its connection is gone: its work rolls back, and is done again by whoever runs it next.
    expect(await outcome).not.toBe('committed');
  });

  it('is not ended while it waits for the lock, nor while a statement runs', async () => {
    await holder.transaction(async (tx) => {
      await endIfIdleWhileHoldingLock(tx, 1);
      await tx.query('SELECT pg_sleep(1.5)');
      await tx.query('SELECT 1');
    });
  });

  it('is left alone on PGlite, one session of one process, which past the limit would never answer again', async () => {
    const pglite = await createPgliteSqlClient();
    try {
      const inside = await pglite.transaction(async (tx) => {
        await endIfIdleWhileHoldingLock(tx, 1);
        return (await tx.query<{ idle_in_transaction_session_timeout: string }>('SHOW idle_in_transaction_session_timeout')).rows[0].idle_in_transaction_session_timeout;
      });
      expect(inside).toBe('0');
    } finally {
      await pglite.close();
    }
  });
});
