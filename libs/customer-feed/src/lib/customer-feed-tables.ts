import { jsonbColumnToJson, migrateSchema, type SqlClient } from '@cdp/sql';
import { partitionOf } from './customer-feed-partitions';

/** The feed's own tables; its log of changes is an event log in CUSTOMER_FEED_LOG_SCHEMA. */
export const CUSTOMER_FEED_SCHEMA = 'customer_feed';
export const CUSTOMER_FEED_LOG_SCHEMA = 'customer_feed_log';

/**
 * - changed_customers: customers a read model changed, written in that read model's transaction;
 *   append-only, so writers never wait on each other or on the feed.
 * - customers: what the feed last published for each customer (version and view), and when to
 *   look again though nothing changed (a loyalty lot expires, a purchase leaves the tier window).
 *   Views are only written and read whole, so they are json: checked, not taken apart, on the way in.
 * - log_pruned_through: the last change the feed's log has pruned, in log order (one row).
 * Each builder takes the marks of its partition of customers, oldest first.
 */
export async function migrateCustomerFeedTables(sql: SqlClient): Promise<void> {
  await migrateSchema(sql, CUSTOMER_FEED_SCHEMA, (s) => [
    `CREATE TABLE IF NOT EXISTS ${s}.changed_customers (seq bigserial PRIMARY KEY, customer_id text NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.customers (
      customer_id text PRIMARY KEY, version integer NOT NULL, view json, review_at timestamptz)`,
    // Releases before 2026-12-05 kept views as jsonb.
    jsonbColumnToJson(`${s}.customers`, 'view'),
    `CREATE INDEX IF NOT EXISTS customers_by_review_at ON ${s}.customers (review_at) WHERE review_at IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS changed_customers_by_partition ON ${s}.changed_customers (${partitionOf('customer_id')}, seq)`,
    `CREATE TABLE IF NOT EXISTS ${s}.log_pruned_through (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), transaction_id xid8 NOT NULL, global_position bigint NOT NULL)`,
  ]);
}
