import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The customer projection's live tables (schema "customers"); a rebuild clones their structure. */
export class CustomerTables1763900000000 implements MigrationInterface {
  readonly name = 'CustomerTables1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS customers`);
    await db.query(`
      CREATE TABLE customers.identity_customers (
        customer_id text PRIMARY KEY,
        first_seen_at text NOT NULL,
        first_event_id text NOT NULL,
        identifiers text[] NOT NULL
      )`);
    await db.query(`CREATE TABLE customers.identity_owners (identifier text PRIMARY KEY, customer_id text NOT NULL)`);
    await db.query(`CREATE TABLE customers.identity_attributions (event_id text PRIMARY KEY, customer_id text NOT NULL)`);
    await db.query(`CREATE INDEX identity_attributions_by_customer ON customers.identity_attributions (customer_id)`);
    await db.query(`
      CREATE TABLE customers.identity_conflicts (
        event_id text NOT NULL,
        identifier text NOT NULL,
        reason text NOT NULL,
        customer_id text NOT NULL,
        conflicting_customer_id text,
        occurred_at text NOT NULL,
        PRIMARY KEY (event_id, identifier)
      )`);
    await db.query(`CREATE TABLE customers.profiles (customer_id text PRIMARY KEY, profile jsonb NOT NULL)`);
    await db.query(`
      CREATE TABLE customers.touchpoints (
        event_id text PRIMARY KEY,
        customer_id text NOT NULL,
        occurred_at text NOT NULL,
        type text NOT NULL,
        channel text,
        touchpoint jsonb NOT NULL
      )`);
    await db.query(`CREATE INDEX touchpoints_by_customer ON customers.touchpoints (customer_id, occurred_at DESC, event_id DESC)`);
    // An identity column, not bigserial: a rebuild's clone (LIKE ... INCLUDING ALL) then gets a sequence of its own.
    await db.query(`
      CREATE TABLE customers.outbox (
        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream_id text NOT NULL,
        event_id text NOT NULL UNIQUE,
        type text NOT NULL,
        data jsonb NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA customers CASCADE`);
  }
}
