import { migrateSchema, type SqlClient } from '@cdp/sql';

/**
 * The tables of the customer projection, all in one schema so that a rebuild builds them aside
 * together: the identity graph and the unified profiles of live customers (a merged customer id is
 * answered through the touchpoint that started it), each touchpoint with its customer (the
 * timeline), identity conflicts for operators, and the outbox of events for the event store.
 */
export async function migrateCustomerTables(sql: SqlClient, schema: string): Promise<void> {
  await migrateSchema(sql, schema, (s) => [
    `
    CREATE TABLE IF NOT EXISTS ${s}.identity_customers (
      customer_id text PRIMARY KEY,
      first_seen_at text NOT NULL,
      first_event_id text NOT NULL,
      identifiers text[] NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS ${s}.identity_owners (identifier text PRIMARY KEY, customer_id text NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.identity_attributions (event_id text PRIMARY KEY, customer_id text NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS identity_attributions_by_customer ON ${s}.identity_attributions (customer_id)`,
    `
    CREATE TABLE IF NOT EXISTS ${s}.identity_conflicts (
      event_id text NOT NULL,
      identifier text NOT NULL,
      reason text NOT NULL,
      customer_id text NOT NULL,
      conflicting_customer_id text,
      occurred_at text NOT NULL,
      PRIMARY KEY (event_id, identifier)
    )`,
    `
    CREATE TABLE IF NOT EXISTS ${s}.profiles (
      customer_id text PRIMARY KEY,
      profile jsonb NOT NULL
    )`,
    `
    CREATE TABLE IF NOT EXISTS ${s}.touchpoints (
      event_id text PRIMARY KEY,
      customer_id text NOT NULL,
      occurred_at text NOT NULL,
      type text NOT NULL,
      channel text,
      touchpoint jsonb NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS touchpoints_by_customer ON ${s}.touchpoints (customer_id, occurred_at DESC, event_id DESC)`,
    `
    CREATE TABLE IF NOT EXISTS ${s}.outbox (
      position bigserial PRIMARY KEY,
      stream_id text NOT NULL,
      event_id text NOT NULL UNIQUE,
      type text NOT NULL,
      data jsonb NOT NULL
    )`,
  ]);
}
