import { createPgliteSqlClient } from '@cdp/sql';
import { CUSTOMER_FEED_SCHEMA, migrateCustomerFeedTables } from './customer-feed-tables';

describe('the customer feed tables (PGlite)', () => {
  it('move the views a release before 2026-12-05 kept as jsonb to json, keeping them, and leave them be after that', async () => {
    const sql = await createPgliteSqlClient();
    try {
      await sql.query(`CREATE SCHEMA ${CUSTOMER_FEED_SCHEMA}`);
      await sql.query(`CREATE TABLE ${CUSTOMER_FEED_SCHEMA}.customers (customer_id text PRIMARY KEY, version integer NOT NULL, view jsonb, review_at timestamptz)`);
      const view = { mergedInto: null, profile: { customerId: 'cus_1', touchpoints: 3 }, loyalty: { available: 30_000, tier: 'member' }, rfm: null };
      await sql.query(`INSERT INTO ${CUSTOMER_FEED_SCHEMA}.customers VALUES ('cus_1', 3, $1, NULL), ('cus_2', 2, NULL, NULL)`, [JSON.stringify(view)]);

      await migrateCustomerFeedTables(sql);
      await migrateCustomerFeedTables(sql);

      const { rows } = await sql.query(`SELECT customer_id, pg_typeof(view)::text AS type, view FROM ${CUSTOMER_FEED_SCHEMA}.customers ORDER BY customer_id`);
      expect(rows).toEqual([
        { customer_id: 'cus_1', type: 'json', view },
        { customer_id: 'cus_2', type: 'json', view: null },
      ]);
    } finally {
      await sql.close();
    }
  });
});
