import { testDatabaseUrl } from '../testing';
import { createPgliteSqlClient } from './pglite-sql-client';
import { createPostgresSqlClient } from './postgres-sql-client';
import type { SqlClient } from './sql-client.port';

const clients: [string, () => Promise<SqlClient>][] = [
  ['Postgres', async () => createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1 })],
  ['PGlite', () => createPgliteSqlClient()],
];

describe.each(clients)('statements of one transaction (%s)', (_, open) => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await open();
    await sql.query('CREATE TEMP TABLE IF NOT EXISTS notes (note text)');
  });
  afterAll(() => sql.close());

  it('go one after another', async () => {
    const seen = await sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO notes VALUES ('first')`);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM notes')).rows[0].n;
    });
    expect(seen).toBeGreaterThanOrEqual(1);
  });

  it('refuse a statement sent while another runs, naming both, and roll the transaction back', async () => {
    const before = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notes')).rows[0].n;
    const racing = sql.transaction(async (tx) => {
      await Promise.all([tx.query(`INSERT INTO notes SELECT 'slow' FROM pg_sleep(0.05)`), tx.query(`INSERT INTO notes VALUES ('racing')`)]);
    });
    await expect(racing).rejects.toThrow(
      `a transaction runs one statement at a time: "INSERT INTO notes VALUES ('racing')" was sent while "INSERT INTO notes SELECT 'slow' FROM pg_sleep(0.05)" still ran; await each statement before the next`,
    );
    expect((await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notes')).rows[0].n).toBe(before);
  });
});
