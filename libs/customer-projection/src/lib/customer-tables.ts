import { migrateSchema, type SqlClient } from '@cdp/sql';
import { CUSTOMER_PROJECTION } from './customer-schema';

/**
 * The tables of the customer projection, all in one schema so that a rebuild builds them aside
 * together: the identity graph and the unified profiles of live customers (a merged customer id is
 * answered through the touchpoint that started it), each touchpoint with its customer (the
 * timeline, which is also the identity attributions), identity conflicts for operators, and the outbox of events for the event store.
 * The live schema is made by the TypeORM migrations (./typeorm/migrations); any other schema
 * (a rebuild's) is a clone of the live tables' structure.
 */
export async function migrateCustomerTables(sql: SqlClient, schema: string): Promise<void> {
  if (schema === CUSTOMER_PROJECTION) {
    const { rows } = await sql.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'profiles'`, [CUSTOMER_PROJECTION]);
    if (rows.length === 0) {
      throw new Error('the customer tables do not exist (dropped by hand?): stop every process that runs projections, then start them: a start makes them anew and projects the log into them (docs/operations.md, Backups and recovery)');
    }
    return;
  }
  await migrateSchema(sql, schema, (s) => CUSTOMER_TABLES.map((table) => `CREATE TABLE IF NOT EXISTS ${s}.${table} (LIKE ${CUSTOMER_PROJECTION}.${table} INCLUDING ALL)`));
}

const CUSTOMER_TABLES = ['identity_customers', 'identity_owners', 'identity_conflicts', 'profiles', 'touchpoints', 'outbox'];
