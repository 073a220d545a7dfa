import type { SqlExecutor } from '@cdp/sql';

const TABLES: Record<string, string> = {
  identity_customers: 'customer_id',
  identity_owners: 'identifier',
  identity_conflicts: 'event_id, identifier',
  profiles: 'customer_id',
  touchpoints: 'event_id',
};

/** Every row of the customer projection's tables, in key order: what live and rebuilt must agree on. */
export async function snapshotCustomerTables(db: SqlExecutor): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(TABLES)) {
    // Versions only order changes for the analytics copy: a rebuild numbers them anew.
    snapshot[table] = (await db.query(`SELECT * FROM customers.${table} ORDER BY ${key}`)).rows.map(({ version: _version, ...row }) => row);
  }
  return snapshot;
}
