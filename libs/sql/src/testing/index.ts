import type { SqlClient, SqlExecutor } from '../lib/sql-client.port';

/** The Postgres server integration tests use: DATABASE_URL, or the one infra/local runs. */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/**
 * A transaction that has done `write` and commits only when told: another process's writer,
 * committing late, for tests of what readers meanwhile see and do.
 */
export async function transactionCommittingLate(sql: SqlClient, write: (tx: SqlExecutor) => Promise<void>): Promise<{ commit(): Promise<void> }> {
  let wrote!: () => void;
  let release!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  const done = sql.transaction(async (tx) => {
    await write(tx);
    wrote();
    await new Promise<void>((resolve) => (release = resolve));
  });
  // A write that fails rejects `done` before anything is written.
  await Promise.race([written, done]);
  return {
    async commit() {
      release();
      await done;
    },
  };
}
