import type { ClickHouseClient } from './clickhouse-client.port';
import { sqlLiteral } from './clickhouse-literal';

/** The engine a migration runs on: its statements are the one place where SQL may differ by version. */
export interface EngineVersion {
  /** e.g. '18.16.1' or '26.7.2.1' */
  readonly version: string;
  readonly major: number;
}

export interface AnalyticsMigration {
  /** Recorded in schema_migrations once applied; never change or reuse it. */
  readonly id: string;
  /**
   * `tables` are the database's tables as the migration starts, so that a migration that failed
   * part-way can tell which of its steps took place (ClickHouse has no conditional DDL).
   */
  statements(engine: EngineVersion, tables: ReadonlySet<string>): readonly string[];
}

/**
 * Applies, in the order given, the migrations not yet recorded in the `schema_migrations` table of
 * the client's database, and returns their ids. A migration is recorded after its last statement,
 * so one that failed part-way runs whole again next time: write statements that can run twice
 * (IF NOT EXISTS; for a column, check system.columns, since 18.16 has no ADD COLUMN IF NOT EXISTS).
 *
 * Not safe to run from two processes at once: ClickHouse has no transactions or locks, so both
 * could apply the same migration. Servers mode's processes take a Postgres lock around it (see
 * openStores); a chDB folder has only one process anyway.
 */
export async function migrateAnalytics(client: ClickHouseClient, migrations: readonly AnalyticsMigration[]): Promise<string[]> {
  const duplicate = migrations.find((migration, index) => migrations.findIndex((m) => m.id === migration.id) !== index);
  if (duplicate) throw new Error(`two analytics migrations have the id ${duplicate.id}`);
  await client.command('CREATE TABLE IF NOT EXISTS schema_migrations (id String, applied_at DateTime) ENGINE = MergeTree ORDER BY id');
  const applied = new Set((await client.query<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id));
  const version = await client.version();
  const engine: EngineVersion = { version, major: Number.parseInt(version, 10) };
  const pending = migrations.filter((migration) => !applied.has(migration.id));
  for (const migration of pending) {
    const tables = new Set((await client.query<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase()')).map((row) => row.name));
    for (const statement of migration.statements(engine, tables)) await client.command(statement);
    await client.command(`INSERT INTO schema_migrations (id, applied_at) VALUES (${sqlLiteral(migration.id)}, now())`);
  }
  return pending.map((migration) => migration.id);
}
