import { migrateSchema, type SqlClient } from '@cdp/sql';

/**
 * The accepted-ids index. A row is pending while `confirmed_at` is null: its claim holds it until
 * `claimed_at` plus the lease. `stream_versions` keeps each stream's last claimed position and is
 * never purged, so positions go on after old ids are forgotten.
 */
export async function migratePostgresAcceptedEventIds(sql: SqlClient, schema: string): Promise<void> {
  await migrateSchema(sql, schema, (s) => [
    `
      CREATE TABLE IF NOT EXISTS ${s}.accepted_event_ids (
        event_id text PRIMARY KEY,
        stream_id text NOT NULL,
        stream_position integer NOT NULL,
        claim_id uuid NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        kafka_partition integer,
        kafka_offset bigint,
        confirmed_at timestamptz,
        UNIQUE (stream_id, stream_position)
      )`,
    `CREATE INDEX IF NOT EXISTS accepted_event_ids_by_age ON ${s}.accepted_event_ids (claimed_at)`,
    `
      CREATE TABLE IF NOT EXISTS ${s}.stream_versions (
        stream_id text PRIMARY KEY,
        version integer NOT NULL
      )`,
    // Room left in each page, so that a confirm rewrites its rows in place (heap-only tuples),
    // adding no index entries.
    `ALTER TABLE ${s}.accepted_event_ids SET (fillfactor = 50)`,
  ]);
}
