import { randomUUID } from 'node:crypto';
import { testDatabaseUrl } from '../testing';
import { migrateSchema } from './migrate-schema';
import { createPostgresSqlClient } from './postgres-sql-client';

describe('migrateSchema on a running system', () => {
  it('passes over an index that exists without locking its table, so a process starting beside a writer does not wait on it nor deadlock with it', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    const schema = `migrate_test_${randomUUID().slice(0, 8)}`;
    const ddl = (s: string) => [`CREATE TABLE IF NOT EXISTS ${s}.ledger (id text PRIMARY KEY, account text NOT NULL)`, `CREATE INDEX IF NOT EXISTS ledger_by_account ON ${s}.ledger (account)`];
    try {
      await migrateSchema(sql, schema, ddl);
      let release!: () => void;
      const writing = sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${schema}.ledger VALUES ('1', 'a')`);
        await new Promise<void>((resolve) => (release = resolve));
      });
      // The writer holds its row lock until released: a ShareLock on the table would wait for it.
      let timer: NodeJS.Timeout | undefined;
      const blocked = new Promise((resolve) => (timer = setTimeout(() => resolve('blocked'), 3_000)));
      const migrated = await Promise.race([migrateSchema(sql, schema, ddl).then(() => 'migrated'), blocked]).finally(() => clearTimeout(timer));
      release();
      await writing;
      expect(migrated).toBe('migrated');
      const { rows } = await sql.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`, [schema]);
      expect(rows.map((r) => r.indexname)).toEqual(['ledger_by_account', 'ledger_pkey']);
    } finally {
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    }
  });
});
