import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Profiles are only ever written whole and read whole, by customer id: nothing gains from jsonb's
 * parsed form, and building it cost the projection a third more of Postgres's time on each
 * batch's upsert of profiles. A rebuild that a process of an earlier release had under way clones
 * the table as it was and swaps jsonb back in: that works the same (json and jsonb are cast to each
 * other on assignment), and the next rebuild clones json.
 */
export class ProfilesAsJson1764200000000 implements MigrationInterface {
  readonly name = 'ProfilesAsJson1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE customers.profiles ALTER COLUMN profile TYPE json`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE customers.profiles ALTER COLUMN profile TYPE jsonb`);
  }
}
