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

/**
 * DDL for `migrateSchema` that turns a jsonb column into json, and does nothing (takes no lock)
 * once it is json: for documents only ever written and read whole (see jsonTexts).
 * `table` is schema-qualified and quoted as the statements get it.
 */
export function jsonbColumnToJson(table: string, column: string): string {
  return `DO $$ BEGIN
    IF (SELECT atttypid FROM pg_attribute WHERE attrelid = '${table.replace(/'/g, "''")}'::regclass AND attname = '${column}') = 'jsonb'::regtype THEN
      ALTER TABLE ${table} ALTER COLUMN ${column} TYPE json;
    END IF;
  END $$`;
}
