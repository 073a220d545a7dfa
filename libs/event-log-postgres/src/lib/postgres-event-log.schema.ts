import { migrateSchema, type SqlClient } from '@cdp/sql';

/**
 * The event store's tables. `transaction_id` makes reading safe against late commits: a reader
 * follows (transaction_id, global_position) and only reads rows of transactions older than every
 * transaction still running, so a row can never appear behind a reader's checkpoint.
 */
export async function migratePostgresEventLog(sql: SqlClient, schema: string): Promise<void> {
  await migrateSchema(sql, schema, (s) => [
    `
      CREATE TABLE IF NOT EXISTS ${s}.events (
        global_position bigserial PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL,
        stream_position integer NOT NULL,
        event_id uuid NOT NULL UNIQUE,
        event_type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (stream_id, stream_position)
      )`,
    `CREATE INDEX IF NOT EXISTS events_in_commit_order ON ${s}.events (transaction_id, global_position)`,
    `
      CREATE TABLE IF NOT EXISTS ${s}.streams (
        stream_id text PRIMARY KEY,
        version integer NOT NULL
      )`,
  ]);
}
