import { DataSource } from 'typeorm';
import { CUSTOMER_ENTITIES } from './customer.entities';
import { CUSTOMER_MIGRATIONS } from './customer-migrations';

/** Where TypeORM connects: a Postgres URL, or a pg-compatible driver (PGlite in this process). */
export type DatabaseConnection = { readonly url: string } | { readonly driver: unknown };

/** A TypeORM DataSource over the customer tables, with their migrations applied. */
export async function openCustomerDataSource(connection: DatabaseConnection): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    ...connection,
    entities: CUSTOMER_ENTITIES,
    migrations: CUSTOMER_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    poolSize: 'driver' in connection ? 1 : 5,
  } as never);
  await dataSource.initialize();
  if ('url' in connection) await oneProcessAtATime(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
  // PGlite: one process, and one connection, which a lock held beside the migrations would take from them.
  else await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/**
 * Processes started together (servers mode's ingest, projectors and API) would each find the same
 * migrations pending and run them at once, all but one failing; TypeORM takes no lock itself.
 */
async function oneProcessAtATime(dataSource: DataSource, work: () => Promise<unknown>): Promise<void> {
  const holder = dataSource.createQueryRunner();
  await holder.connect();
  try {
    await holder.query(`SELECT pg_advisory_lock(hashtext('cdp-customer-migrations'))`);
    await work();
  } finally {
    await holder.query(`SELECT pg_advisory_unlock(hashtext('cdp-customer-migrations'))`).catch(() => undefined);
    await holder.release();
  }
}
