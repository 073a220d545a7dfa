import { quoteIdentifier, type SqlClient } from './sql-client.port';

/**
 * Creates a schema and runs idempotent DDL (`CREATE ... IF NOT EXISTS`) for it in one transaction,
 * under an advisory lock: processes starting together would otherwise race on the catalog.
 * `statements` get the quoted schema name.
 */
export async function migrateSchema(sql: SqlClient, schema: string, statements: (s: string) => readonly string[]): Promise<void> {
  const s = quoteIdentifier(schema);
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`cdp-migration:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    for (const statement of statements(s)) await tx.query(statement);
  });
}
