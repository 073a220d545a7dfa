import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The links the guardrails refused for an identifier nobody held yet, by identifier: when a
 * customer links it later, the withdrawals of consent those touchpoints told reach that customer
 * (see withdrawalsByIdentifier). Few rows, so a partial index.
 */
export class RefusedLinksByIdentifier1764300000000 implements MigrationInterface {
  readonly name = 'RefusedLinksByIdentifier1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX IF NOT EXISTS identity_conflicts_refused_links ON customers.identity_conflicts (identifier) WHERE conflicting_customer_id IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS customers.identity_conflicts_refused_links`);
  }
}
