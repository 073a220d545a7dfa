import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of an identifier's owner gets a version, so the analytics store can copy the
 * identity map incrementally (the changes after the last version it has). The sequence lives
 * outside the customers schema: a rebuild's clone of the table shares it, and the swap, which
 * drops the old schema, leaves it alone.
 */
export class IdentityOwnerVersions1764100000000 implements MigrationInterface {
  readonly name = 'IdentityOwnerVersions1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SEQUENCE IF NOT EXISTS public.customer_identity_versions`);
    await db.query(`ALTER TABLE customers.identity_owners ADD COLUMN version bigint NOT NULL DEFAULT nextval('public.customer_identity_versions')`);
    await db.query(`CREATE INDEX identity_owners_by_version ON customers.identity_owners (version)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE customers.identity_owners DROP COLUMN version`);
    await db.query(`DROP SEQUENCE public.customer_identity_versions`);
  }
}
