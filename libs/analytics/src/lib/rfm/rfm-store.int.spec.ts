import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { scratchDatabase, type ScratchDatabase } from '@cdp/sql/testing';
import { latestRun, migrateRfmTables, saveRun } from './rfm-store';

const score = (customerId: string) => ({ customerId, recencyDays: 3, frequency: 2, monetary: '100', r: 3, f: 3, m: 3, segment: 'loyal' }) as const;

describe('saving RFM runs of two processes at once (Postgres)', () => {
  let database: ScratchDatabase;
  let sql: SqlClient;
  beforeAll(async () => {
    database = await scratchDatabase('cdp_test_rfm_store');
    sql = createPostgresSqlClient({ connectionString: database.url });
    await migrateRfmTables(sql);
  });
  afterAll(async () => {
    await sql.close();
    await database.drop();
  });

  /** Another transaction waits on an advisory lock. */
  const anotherWaits = async () => {
    for (;;) {
      const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
      if (rows[0].n > 0) return;
      await delay(20);
    }
  };
  const save = (runId: string, asOf: string, whileWriting: () => Promise<void> = async () => undefined) =>
    saveRun(sql, { runId, asOf, windowDays: 365, currency: 'IRR', customers: 2, requestedAt: asOf }, () => [], () => new Date(), async (write) => {
      await whileWriting();
      await write({ scores: [score('cus_a'), score('cus_b')], after: null, upTo: null });
    });
  /** Saves `first`, and while it writes its scores, starts `second`, which waits for it. */
  const oneWhileTheOtherSaves = async (first: [string, string], second: [string, string]) => {
    let started: ReturnType<typeof save> | undefined;
    const firstSaved = await save(...first, async () => {
      started = save(...second);
      await anotherWaits();
    });
    return [firstSaved, await started!] as const;
  };

  it("saves one at a time: the later as-of stays current whichever commits last, and neither fails on the other's scores", async () => {
    // The earlier run commits first; the later one, waiting on it, then becomes current.
    const [older, newer] = await oneWhileTheOtherSaves(['run-1', '2026-11-01T00:00:00.000Z'], ['run-2', '2026-11-02T00:00:00.000Z']);
    expect([older?.runId, newer?.runId]).toEqual(['run-1', 'run-2']);
    expect((await latestRun(sql))?.runId).toBe('run-2');

    // The later run commits first; the earlier one, done scoring after it, is not saved (a what-if).
    const [later, earlier] = await oneWhileTheOtherSaves(['run-3', '2026-11-04T00:00:00.000Z'], ['run-4', '2026-11-03T00:00:00.000Z']);
    expect([later?.runId, earlier]).toEqual(['run-3', undefined]);
    expect((await latestRun(sql))?.runId).toBe('run-3');
    const { rows } = await sql.query<{ run_id: string }>(`SELECT DISTINCT run_id FROM rfm.current_scores`);
    expect(rows).toEqual([{ run_id: 'run-3' }]);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
