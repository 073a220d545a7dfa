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

  /** Saves a run as of `asOf` whose scores take `fillMs` to write, as a run of many customers does. */
  const save = (runId: string, asOf: string, fillMs: number) =>
    saveRun(sql, { runId, asOf, windowDays: 365, currency: 'IRR', customers: 2, requestedAt: asOf }, () => [], () => new Date(), async (write) => {
      await new Promise((resolve) => setTimeout(resolve, fillMs));
      await write({ scores: [score('cus_a'), score('cus_b')], after: null, upTo: null });
    });

  it('saves one at a time: the later as-of stays current whichever commits last, and neither fails on the other\'s scores', async () => {
    // The earlier run starts first and commits first; the later one, waiting on it, then becomes current.
    const [older, newer] = await Promise.all([save('run-1', '2026-11-01T00:00:00.000Z', 300), delay(50).then(() => save('run-2', '2026-11-02T00:00:00.000Z', 0))]);
    expect([older?.runId, newer?.runId]).toEqual(['run-1', 'run-2']);
    expect((await latestRun(sql))?.runId).toBe('run-2');

    // The later run commits first; the earlier one, done scoring after it, is not saved (a what-if).
    const [later, earlier] = await Promise.all([save('run-3', '2026-11-04T00:00:00.000Z', 300), delay(50).then(() => save('run-4', '2026-11-03T00:00:00.000Z', 0))]);
    expect([later?.runId, earlier]).toEqual(['run-3', undefined]);
    expect((await latestRun(sql))?.runId).toBe('run-3');
    const { rows } = await sql.query<{ run_id: string }>(`SELECT DISTINCT run_id FROM rfm.current_scores`);
    expect(rows).toEqual([{ run_id: 'run-3' }]);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
