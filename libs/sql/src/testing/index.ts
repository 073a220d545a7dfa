import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { SqlClient, SqlExecutor } from '../lib/sql-client.port';

/** The Postgres server integration tests use: DATABASE_URL, or the one infra/local runs. */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** A database of its own on the test server (see testDatabaseUrl), named after `prefix`. */
export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops it, forcing off whatever is still connected. */
  drop(): Promise<void>;
}

export async function scratchDatabase(prefix = 'cdp_test', serverUrl = testDatabaseUrl()): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`"${prefix}" cannot begin a database's name: use lower-case letters, digits and _`);
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await asAdmin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => asAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function asAdmin(serverUrl: string, statement: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
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
