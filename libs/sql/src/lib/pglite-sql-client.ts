import { PGlite } from '@electric-sql/pglite';
import type { SqlClient } from './sql-client.port';

/**
 * A SqlClient over PGlite: Postgres in WASM, in this process. `dataDir` persists it; without one
 * it lives in memory. PGlite runs one statement at a time, and a transaction holds it exclusively.
 */
export async function createPgliteSqlClient(dataDir?: string): Promise<SqlClient> {
  const db = await PGlite.create(dataDir);
  return {
    query: (sql, params) => db.query(sql, params as unknown[]) as never,
    transaction: (work) => db.transaction((tx) => work({ query: (sql, params) => tx.query(sql, params as unknown[]) as never })),
    close: () => db.close(),
  };
}
