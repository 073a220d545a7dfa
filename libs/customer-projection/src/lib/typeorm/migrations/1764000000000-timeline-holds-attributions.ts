import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The timeline row of a touchpoint already names the customer it belongs to now, so it is the
 * attribution too: one row a touchpoint instead of two, and one table to repoint on a merge.
 * The timeline keeps each touchpoint as json, the text it was given: it is only ever returned
 * whole, so nothing gains from jsonb's parsed form, and writing it costs less.
 */
export class TimelineHoldsAttributions1764000000000 implements MigrationInterface {
  readonly name = 'TimelineHoldsAttributions1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE customers.identity_attributions`);
    await db.query(`ALTER TABLE customers.touchpoints ALTER COLUMN touchpoint TYPE json`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE customers.touchpoints ALTER COLUMN touchpoint TYPE jsonb`);
    await db.query(`CREATE TABLE customers.identity_attributions (event_id text PRIMARY KEY, customer_id text NOT NULL)`);
    await db.query(`CREATE INDEX identity_attributions_by_customer ON customers.identity_attributions (customer_id)`);
    await db.query(`INSERT INTO customers.identity_attributions SELECT event_id, customer_id FROM customers.touchpoints`);
  }
}
