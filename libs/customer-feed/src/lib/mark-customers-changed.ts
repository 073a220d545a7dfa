import type { SqlExecutor } from '@cdp/sql';
import { CUSTOMER_FEED_SCHEMA } from './customer-feed-tables';

/**
 * Tells the feed that these customers' read models changed: called by each read model in the
 * transaction of its change, so the feed misses no committed change and sees no uncommitted one.
 * The feed then reads what they hold and publishes the difference.
 */
export async function markCustomersChanged(tx: SqlExecutor, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.query(`INSERT INTO ${CUSTOMER_FEED_SCHEMA}.changed_customers (customer_id) SELECT unnest($1::text[])`, [customerIds]);
}
