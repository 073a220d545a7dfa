import { DataSource } from 'typeorm';
import { emptyProfile } from '@cdp/profile';
import { migrateProjectionTables } from '@cdp/projections';
import { openPgliteDatabase } from '@cdp/sql';
import { CUSTOMER_MIGRATIONS } from './customer-migrations';
import { openCustomerDataSource } from './customer-data-source';
import { ProfilesAsJson1764200000000 } from './migrations/1764200000000-profiles-as-json';

describe('migrations of the customer tables (PGlite)', () => {
  it('keep the profiles of an earlier release when they move them from jsonb to json', async () => {
    const database = await openPgliteDatabase();
    const earlier = new DataSource({
      type: 'postgres',
      driver: database.typeormDriver,
      migrations: CUSTOMER_MIGRATIONS.slice(0, CUSTOMER_MIGRATIONS.indexOf(ProfilesAsJson1764200000000)),
      migrationsTableName: 'typeorm_migrations',
      poolSize: 1,
    } as never);
    await earlier.initialize();
    await earlier.runMigrations({ transaction: 'each' });
    const profile = { ...emptyProfile('cus_1'), preferences: { food: { value: 'no spicy sauce', source: 'call', at: '2026-11-20T10:15:00.000Z' } } };
    await database.client.query(`INSERT INTO customers.profiles (customer_id, profile) VALUES ('cus_1', $1::jsonb)`, [JSON.stringify(profile)]);
    await earlier.destroy();

    const current = await openCustomerDataSource({ driver: database.typeormDriver });
    try {
      const { rows } = await database.client.query<{ type: string; profile: unknown }>(`SELECT pg_typeof(profile)::text AS type, profile FROM customers.profiles`);
      expect(rows).toEqual([{ type: 'json', profile }]);
    } finally {
      await current.destroy();
      await database.client.close();
    }
  });

  it('make the customer tables anew at a start that finds them dropped by hand, their migrations recorded', async () => {
    const database = await openPgliteDatabase();
    try {
      await (await openCustomerDataSource({ driver: database.typeormDriver })).destroy();
      await migrateProjectionTables(database.client);
      await database.client.query(`INSERT INTO projections.checkpoints (projection, partition, "offset", processed) VALUES ('customers', 'all', '9:99', 99), ('loyalty', 'all', '9:99', 99)`);
      await database.client.query(`DROP SCHEMA customers CASCADE`);
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        await (await openCustomerDataSource({ driver: database.typeormDriver })).destroy();
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('projects the whole log into them again'));
      } finally {
        warn.mockRestore();
      }
      const { rows } = await database.client.query(`SELECT count(*)::int AS n FROM customers.profiles`);
      expect(rows).toEqual([{ n: 0 }]);
      // Projected again from the start of the log; the other projections keep theirs.
      expect((await database.client.query(`SELECT projection FROM projections.checkpoints`)).rows).toEqual([{ projection: 'loyalty' }]);
    } finally {
      await database.client.close();
    }
  });
});
