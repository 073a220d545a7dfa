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
      const released = new Promise<void>((resolve) => (release = resolve));
      let wrote!: (pid: number) => void;
      const written = new Promise<number>((resolve) => (wrote = resolve));
      const writing = sql.transaction(async (tx) => {
        const { rows: [own] } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await tx.query(`INSERT INTO ${schema}.ledger VALUES ('1', 'a')`);
        wrote(own.pid);
        await released;
      });
      // The writer holds its row lock until released: a ShareLock on the table would wait for it.
      const writer = await Promise.race([written, writing.then(() => Promise.reject(new Error('the writer ended before it wrote')))]);
      let migrated: string;
      let settled = false;
      const migration = migrateSchema(sql, schema, ddl).finally(() => (settled = true));
      // A wait on the writer shows in Postgres as soon as it begins, however slowly the migration runs otherwise.
      const blocked = (async () => {
        while (!settled) {
          const { rows } = await sql.query('SELECT pid FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))', [writer]);
          if (rows.length > 0) return 'blocked';
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return 'migrated';
      })();
      try {
        migrated = await Promise.race([migration.then(() => 'migrated'), blocked]);
      } finally {
        release();
        await writing;
      }
      await Promise.all([migration, blocked]);
      expect(migrated).toBe('migrated');
      const { rows } = await sql.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`, [schema]);
      expect(rows.map((r) => r.indexname)).toEqual(['ledger_by_account', 'ledger_pkey']);
    } finally {
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    }
  });
});
