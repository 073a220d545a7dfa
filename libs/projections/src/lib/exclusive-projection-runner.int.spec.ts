import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { runProjectionExclusively, type ExclusiveProjectionRunner } from './exclusive-projection-runner';
import { OwnershipLostError, seizeOwnership } from './projection-ownership';
import type { ProjectionDefinition } from './projection.port';
import { migrateProjectionTables } from './projection-tables';
import { rebuildProjection } from './rebuild-projection';

/**
 * Renewed every third of it: a process stalled for most of a lease (a long GC pause on a loaded
 * machine) would lose the projection to the other, and the exact owners below would not hold.
 */
const LEASE_MS = 5_000;
/** How long a step below may take: a takeover waits for the standby's next try, a third of a lease. */
const UNTIL_MS = 20_000;

/** Two projector processes, as far as the runtime can tell: each its own pool and log client. */
interface Process {
  readonly sql: SqlClient;
  readonly log: EventLog;
  runner?: ExclusiveProjectionRunner;
  readonly errors: unknown[];
}

describe('a projection run by one process at a time (Postgres server)', () => {
  const schema = `exclusive_test_${randomUUID().slice(0, 8)}`;
  const projection = `sums_${randomUUID().slice(0, 8)}`;
  const processes: Process[] = [];
  let admin: SqlClient;

  /** Adds each event's n to one running total: applying an event twice shows in the total. */
  const summing: ProjectionDefinition = {
    name: projection,
    schema: projection,
    async open(sql, tables) {
      await sql.query(`CREATE SCHEMA IF NOT EXISTS ${tables}`);
      await sql.query(`CREATE TABLE IF NOT EXISTS ${tables}.total (one boolean PRIMARY KEY DEFAULT true, sum bigint NOT NULL, applied integer NOT NULL)`);
      await sql.query(`INSERT INTO ${tables}.total (sum, applied) VALUES (0, 0) ON CONFLICT DO NOTHING`);
      return {
        async apply(tx, events) {
          for (const event of events) await tx.query(`UPDATE ${tables}.total SET sum = sum + $1, applied = applied + 1`, [(event.data as { n: number }).n]);
        },
      };
    },
  };
  const start = async (process: Process, owner: string) => {
    process.runner = await runProjectionExclusively({
      name: projection,
      handler: await summing.open(process.sql, projection),
      log: process.log,
      sql: process.sql,
      leaseMs: LEASE_MS,
      owner,
      onError: (error) => process.errors.push(error),
    });
  };
  const total = async () => (await admin.query<{ sum: number; applied: number }>(`SELECT sum, applied FROM ${projection}.total`)).rows[0];
  const owner = async () => (await admin.query<{ owner: string }>(`SELECT owner FROM projections.owners WHERE projection = $1`, [projection])).rows[0]?.owner;
  const append = (log: EventLog, from: number, count: number) =>
    log.append(`counted-${randomUUID()}`, Array.from({ length: count }, (_, i) => ({ eventId: randomUUID(), type: 'counted', data: { n: from + i } })));
  const sumOf = (to: number) => (to * (to + 1)) / 2;
  const until = async (check: () => Promise<boolean>, what: string) => {
    for (const deadline = Date.now() + UNTIL_MS; Date.now() < deadline; ) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (await check()) return;
    throw new Error(`${what}: not reached in ${UNTIL_MS / 1000} s`);
  };

  beforeAll(async () => {
    admin = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    await migrateProjectionTables(admin);
    for (let i = 0; i < 2; i++) {
      const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
      processes.push({ sql, log: await createPostgresEventLog(sql, { schema }), errors: [] });
    }
  });
  afterAll(async () => {
    for (const process of processes) {
      await process.runner?.close();
      await process.log.close();
      await process.sql.close();
    }
    await admin.query(`DELETE FROM projections.owners WHERE projection = $1`, [projection]);
    await admin.query(`DELETE FROM projections.checkpoints WHERE projection = $1`, [projection]);
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.query(`DROP SCHEMA IF EXISTS ${projection} CASCADE`);
    await admin.close();
  });

  it('is applied by one process only, each event once, and handed over from the checkpoint when that process stops', async () => {
    const [a, b] = processes;
    await start(a, 'process-a');
    await start(b, 'process-b');
    expect([a.runner!.owns(), b.runner!.owns()]).toEqual([true, false]);

    await append(a.log, 1, 10);
    await append(b.log, 11, 10);
    await until(async () => (await total()).applied === 20, 'the first 20 events applied');
    // Both follow the same log: with a process each, every event would be counted twice.
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
    expect(await total()).toEqual({ sum: String(sumOf(20)), applied: 20 });
    expect(await owner()).toBe('process-a');

    await a.runner!.close();
    a.runner = undefined;
    await append(a.log, 21, 10);
    await until(async () => (await total()).applied === 30, 'the standby taking over');
    expect(b.runner!.owns()).toBe(true);
    expect(await owner()).toBe('process-b');
    expect(await total()).toEqual({ sum: String(sumOf(30)), applied: 30 });
  });

  it('commits nothing once another process has taken the projection over, and stands by', async () => {
    const [a, b] = processes;
    expect(b.runner!.owns()).toBe(true);
    // As if b had stalled past its lease and another process had claimed the projection meanwhile.
    await admin.query(`UPDATE projections.owners SET owner = 'process-c', expires_at = now() + interval '1 hour' WHERE projection = $1`, [projection]);
    await append(a.log, 31, 10);
    await until(async () => b.errors.some((error) => error instanceof OwnershipLostError), 'b told it lost the projection');
    await until(async () => !b.runner!.owns(), 'b standing by');
    expect(await total()).toEqual({ sum: String(sumOf(30)), applied: 30 });

    // process-c goes away without letting go: its claim runs out, and b takes the projection back.
    await admin.query(`UPDATE projections.owners SET expires_at = now() WHERE projection = $1`, [projection]);
    await until(async () => (await total()).applied === 40, 'b back after process-c claim ran out');
    expect(await total()).toEqual({ sum: String(sumOf(40)), applied: 40 });
    expect(await owner()).toBe('process-b');
  });

  it('is taken over at the swap by a rebuild another process serves, which goes on from the rebuilt checkpoint', async () => {
    const [a, b] = processes;
    await start(a, 'process-a');
    expect([a.runner!.owns(), b.runner!.owns()]).toEqual([false, true]);

    // a serves the rebuild: it pauses its own (standby) runner, and b runs the projection meanwhile.
    await a.runner!.close();
    await rebuildProjection({
      definition: summing,
      log: a.log,
      sql: a.sql,
      pauseLive: async () => undefined,
      beforeSwap: (tx) => seizeOwnership(tx, projection, 'process-a', LEASE_MS),
    });
    expect(await total()).toEqual({ sum: String(sumOf(40)), applied: 40 });
    await start(a, 'process-a');
    expect(a.runner!.owns()).toBe(true);

    await append(b.log, 41, 10);
    await until(async () => (await total()).applied === 50, 'a applying after its rebuild');
    await until(async () => !b.runner!.owns(), 'b standing by');
    expect(await owner()).toBe('process-a');
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
    expect(await total()).toEqual({ sum: String(sumOf(50)), applied: 50 });
  });
});
