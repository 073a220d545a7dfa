import { oneProcessAtATime } from './one-process-at-a-time';
import { quoteIdentifier, type SqlClient } from './sql-client.port';

/**
 * Creates a schema and runs idempotent DDL (`CREATE ... IF NOT EXISTS`) for it in one transaction,
 * under an advisory lock: processes starting together would otherwise race on the catalog.
 * `statements` get the quoted schema name.
 */
export async function migrateSchema(sql: SqlClient, schema: string, statements: (s: string) => readonly string[]): Promise<void> {
  const s = quoteIdentifier(schema);
  for (let attempt = 1; ; attempt++) {
    try {
      await oneProcessAtATime(sql, `cdp-migration:${schema}`, async (tx) => {
        await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
        for (const statement of statements(s)) await tx.query(onlyWhenMissing(statement, s));
      });
      return;
    } catch (error) {
      // A process that starts beside running ones may lock their tables in another order than
      // their batches do; Postgres then ends one transaction, and the migration is run again.
      if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt === MIGRATION_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

const DEADLOCK_DETECTED = '40P01';
const MIGRATION_ATTEMPTS = 5;

/**
 * `CREATE INDEX IF NOT EXISTS` locks its table (ShareLock) even when the index exists, which blocks
 * the writes of processes already running, and deadlocks with them: an index that exists is passed
 * over without touching the table.
 */
function onlyWhenMissing(statement: string, s: string): string {
  const index = /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS\s+("?)(\w+)\1\s+ON\s/i.exec(statement);
  if (!index) return statement;
  const name = `${s}.${quoteIdentifier(index[2])}`.replace(/'/g, "''");
  return `DO $migration$ BEGIN IF to_regclass('${name}') IS NULL THEN ${statement.trim().replace(/;$/, '')}; END IF; END $migration$`;
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
