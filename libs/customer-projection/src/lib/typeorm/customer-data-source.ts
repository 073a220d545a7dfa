import { DataSource } from 'typeorm';
import { serverConnectionOptions } from '@cdp/sql';
import { CUSTOMER_ENTITIES } from './customer.entities';
import { CUSTOMER_MIGRATIONS } from './customer-migrations';
import { CUSTOMER_PROJECTION } from '../customer-schema';

/** Where TypeORM connects: a Postgres URL (with how long to wait for a connection there), or a pg-compatible driver (PGlite in this process). */
export type DatabaseConnection = { readonly url: string; readonly connectTimeoutMs?: number } | { readonly driver: unknown };

/**
 * A TypeORM DataSource over the customer tables, with their migrations applied. TypeORM takes no
 * lock: processes that may start together run this under one (servers mode's openStores does).
 */
export async function openCustomerDataSource(connection: DatabaseConnection): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    ...('url' in connection ? { url: connection.url, extra: serverConnectionOptions(connection.connectTimeoutMs) } : connection),
    entities: CUSTOMER_ENTITIES,
    migrations: CUSTOMER_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    poolSize: 'driver' in connection ? 1 : 5,
  } as never);
  await dataSource.initialize();
  await forgetDroppedTables(dataSource);
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/**
 * Tables dropped by hand (a `DROP SCHEMA customers`) while their migrations stay recorded would
 * never be made again, and every start would fail on them: the migrations are forgotten and run
 * again, making the tables anew, empty, and the projection's checkpoint goes, so that it projects
 * the log into them from the start. Left at the end of the log, it would meet each known person's
 * next touchpoint as a new customer.
 */
async function forgetDroppedTables(dataSource: DataSource): Promise<void> {
  const [{ recorded, present, checkpoints }] = await dataSource.query(
    `SELECT to_regclass('typeorm_migrations') IS NOT NULL AS recorded, to_regclass('${CUSTOMER_PROJECTION}.profiles') IS NOT NULL AS present,
            to_regclass('projections.checkpoints') IS NOT NULL AS checkpoints`,
  );
  if (!recorded || present) return;
  const names = CUSTOMER_MIGRATIONS.map((migration) => migration.name);
  const [{ applied }] = await dataSource.query(`SELECT count(*)::int AS applied FROM typeorm_migrations WHERE name = ANY($1::text[])`, [names]);
  if (applied === 0) return;
  await dataSource.query(`DELETE FROM typeorm_migrations WHERE name = ANY($1::text[])`, [names]);
  await dataSource.query(`DROP SCHEMA IF EXISTS ${CUSTOMER_PROJECTION} CASCADE`);
  if (checkpoints) await dataSource.query(`DELETE FROM projections.checkpoints WHERE projection = $1`, [CUSTOMER_PROJECTION]);
  console.warn(
    `[customers] the customer tables were gone (${CUSTOMER_PROJECTION}.profiles dropped?) though their migrations were recorded: they are made anew, ` +
      'and the customers projection projects the whole log into them again from its start; profiles are missing until it has caught up (cdp projections status)',
  );
}
