import { randomUUID } from 'node:crypto';
import { testDatabaseUrl } from '../../testing';
import { createPgliteSqlClient } from '../pglite-sql-client';
import { createPostgresSqlClient } from '../postgres-sql-client';
import type { SqlClient, SqlExecutor } from '../sql-client.port';
import { analyzeSchema, checkpointIfDue, maintainTables, scheduleTableMaintenance } from './maintain-tables';

/** Postgres reports a session's counts at most once a second unless asked; maintainTables reads them as they are. */
const flushStats = (sql: SqlExecutor) => sql.query('SELECT pg_stat_force_next_flush()');

const statsOf = async (sql: SqlExecutor, table: string) =>
  (
    await sql.query<{ dead: string; analyzed: boolean; vacuumed: boolean; tuples: number }>(
      `SELECT s.n_dead_tup AS dead, s.last_analyze IS NOT NULL AS analyzed, s.last_vacuum IS NOT NULL AS vacuumed, c.reltuples::float8 AS tuples
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relid = $1::regclass`,
      [table],
    )
  ).rows[0];

describe('table maintenance on PGlite, which has no autovacuum', () => {
  let sql: SqlClient;
  beforeEach(async () => {
    sql = await createPgliteSqlClient();
    await sql.query(`CREATE SCHEMA shop`);
    await sql.query(`CREATE TABLE shop.orders (id int PRIMARY KEY, note text)`);
    await sql.query(`CREATE TABLE shop.quiet (id int PRIMARY KEY)`);
  });
  afterEach(() => sql.close());

  it('vacuums and analyzes a table with many dead rows, and then leaves it alone', async () => {
    await sql.query(`INSERT INTO shop.orders SELECT g, 'new' FROM generate_series(1, 2000) g`);
    await sql.query(`UPDATE shop.orders SET note = 'paid'`);
    await sql.query(`DELETE FROM shop.orders WHERE id > 1000`);
    await flushStats(sql);
    expect(await statsOf(sql, 'shop.orders')).toEqual({ dead: expect.anything(), analyzed: false, vacuumed: false, tuples: -1 });
    expect(Number((await statsOf(sql, 'shop.orders')).dead)).toBeGreaterThan(2000);

    expect(await maintainTables(sql)).toEqual([{ table: 'shop.orders', vacuum: true, analyze: true }]);
    expect(await statsOf(sql, 'shop.orders')).toEqual({ dead: expect.anything(), analyzed: true, vacuumed: true, tuples: 1000 });
    expect(Number((await statsOf(sql, 'shop.orders')).dead)).toBe(0);
    expect((await statsOf(sql, 'shop.quiet')).vacuumed).toBe(false);

    expect(await maintainTables(sql)).toEqual([]);
  });

  it('passes over a table dropped after the round listed it, and still maintains the rest', async () => {
    await sql.query(`CREATE TABLE shop.archive (id int)`);
    for (const table of ['shop.archive', 'shop.orders']) await sql.query(`INSERT INTO ${table} SELECT g FROM generate_series(1, 2000) g`);
    await flushStats(sql);
    const dropsTheArchiveFirst: SqlExecutor = {
      async query(statement, params) {
        if (statement.includes('shop.archive')) await sql.query('DROP TABLE shop.archive');
        return sql.query(statement, params);
      },
    };
    expect((await maintainTables(dropsTheArchiveFirst)).map((step) => step.table)).toEqual(['shop.archive', 'shop.orders']);
    expect(await statsOf(sql, 'shop.orders')).toMatchObject({ vacuumed: true, analyzed: true });
  });

  it('runs on a schedule, one round at a time, and stops', async () => {
    await sql.query(`INSERT INTO shop.orders SELECT g, 'new' FROM generate_series(1, 2000) g`);
    const errors: unknown[] = [];
    const schedule = scheduleTableMaintenance(sql, { everyMs: 20, onError: (error) => errors.push(error) });
    try {
      const [first, joined] = [schedule.runNow(), schedule.runNow()];
      expect(joined).toBe(first);
      for (let waited = 0; !(await statsOf(sql, 'shop.orders')).vacuumed && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await statsOf(sql, 'shop.orders')).toMatchObject({ vacuumed: true, tuples: 2000 });
    } finally {
      await schedule.stop();
    }
    expect(errors).toEqual([]);
  });
});

describe('checkpoints on PGlite, which has no checkpointer', () => {
  const walSinceCheckpoint = async (sql: SqlExecutor) =>
    Number((await sql.query<{ since: string }>(`SELECT (pg_current_wal_lsn() - (pg_control_checkpoint()).redo_lsn)::text AS since`)).rows[0].since);

  it('writes one once the WAL since the last has passed the bound, so that its segments can go, and not before', async () => {
    const sql = await createPgliteSqlClient();
    try {
      await sql.query(`CREATE TABLE notes (id int, note text)`);
      await sql.query(`INSERT INTO notes SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g`);
      const written = await walSinceCheckpoint(sql);
      expect(written).toBeGreaterThan(4 * 1024 * 1024);

      expect(await checkpointIfDue(sql, written + 1024 * 1024)).toBe(false);
      expect(await walSinceCheckpoint(sql)).toBeGreaterThanOrEqual(written);
      expect(await checkpointIfDue(sql, 1024 * 1024)).toBe(true);
      expect(await walSinceCheckpoint(sql)).toBeLessThan(1024 * 1024);

      // The schedule's rounds do it too.
      await sql.query(`INSERT INTO notes SELECT g, repeat('y', 200) FROM generate_series(1, 20000) g`);
      const schedule = scheduleTableMaintenance(sql, { everyMs: 60_000, onError: () => undefined, checkpointAfterWalBytes: 1024 * 1024 });
      await schedule.runNow();
      await schedule.stop();
      expect(await walSinceCheckpoint(sql)).toBeLessThan(1024 * 1024);
    } finally {
      await sql.close();
    }
  });
});

describe('analyzeSchema on a Postgres server', () => {
  const schema = `maintenance_${randomUUID().slice(0, 8)}`;
  let sql: SqlClient;
  beforeAll(async () => {
    sql = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1 });
    await sql.query(`CREATE SCHEMA ${schema}`);
  });
  afterAll(async () => {
    await sql.query(`DROP SCHEMA ${schema} CASCADE`);
    await sql.close();
  });

  it('gives every table of the schema its statistics, whatever its name', async () => {
    await sql.query(`CREATE TABLE ${schema}.filled (id int, kind text)`);
    await sql.query(`CREATE TABLE ${schema}."Mixed Case" (id int)`);
    await sql.query(`INSERT INTO ${schema}.filled SELECT g, 'k' || (g % 3) FROM generate_series(1, 5000) g`);
    await analyzeSchema(sql, schema);
    const { rows } = await sql.query<{ relname: string; tuples: number }>(
      `SELECT c.relname, c.reltuples::float8 AS tuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 1`,
      [schema],
    );
    expect(rows).toEqual([
      { relname: 'Mixed Case', tuples: 0 },
      { relname: 'filled', tuples: 5000 },
    ]);
    const { rows: distinct } = await sql.query<{ n_distinct: number }>(`SELECT n_distinct FROM pg_stats WHERE schemaname = $1 AND tablename = 'filled' AND attname = 'kind'`, [schema]);
    expect(distinct).toEqual([{ n_distinct: 3 }]);
  });
});
