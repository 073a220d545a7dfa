/**
 * Customers are split among this many builders by a hash of their id, each partition under its own
 * lock. Fixed: processes that split differently would decide one customer's versions twice.
 */
export const CUSTOMER_FEED_PARTITIONS = 4;

/** A customer id column's partition, in SQL; the index on marks is on this very expression. */
export function partitionOf(column: string): string {
  return `(hashtext(${column}) & ${CUSTOMER_FEED_PARTITIONS - 1})`;
}

export function allCustomerFeedPartitions(): number[] {
  return Array.from({ length: CUSTOMER_FEED_PARTITIONS }, (_, partition) => partition);
}
