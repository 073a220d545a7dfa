import { migrateSchema, type SqlClient } from '@cdp/sql';

/** The runtime's own tables: checkpoints, dead letters and generations of every projection, and the owners of those run exclusively. */
export async function migrateProjectionTables(sql: SqlClient): Promise<void> {
  await migrateSchema(sql, 'projections', (s) => [
    `
      CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
        projection text NOT NULL,
        partition text NOT NULL,
        "offset" text NOT NULL,
        processed bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, partition)
      )`,
    `
      CREATE TABLE IF NOT EXISTS ${s}.dead_letters (
        id bigserial PRIMARY KEY,
        projection text NOT NULL,
        event_id text NOT NULL,
        stream_id text NOT NULL,
        event jsonb NOT NULL,
        error text NOT NULL,
        held boolean NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      )`,
    `CREATE INDEX IF NOT EXISTS dead_letters_open ON ${s}.dead_letters (projection, stream_id) WHERE resolved_at IS NULL`,
    // The hourly deletion of resolved letters past their retention.
    `CREATE INDEX IF NOT EXISTS dead_letters_resolved ON ${s}.dead_letters (resolved_at) WHERE resolved_at IS NOT NULL`,
    `
      CREATE TABLE IF NOT EXISTS ${s}.owners (
        projection text PRIMARY KEY,
        owner text NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
    // How many rebuilds of each projection were swapped in (projection-generation.ts).
    `
      CREATE TABLE IF NOT EXISTS ${s}.generations (
        projection text PRIMARY KEY,
        generation bigint NOT NULL
      )`,
  ]);
}
