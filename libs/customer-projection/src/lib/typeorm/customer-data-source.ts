import { DataSource } from 'typeorm';
import { CUSTOMER_ENTITIES } from './customer.entities';
import { CUSTOMER_MIGRATIONS } from './customer-migrations';

/** Where TypeORM connects: a Postgres URL, or a pg-compatible driver (PGlite in this process). */
export type DatabaseConnection = { readonly url: string } | { readonly driver: unknown };

/**
 * A TypeORM DataSource over the customer tables, with their migrations applied. TypeORM takes no
 * lock: processes that may start together run this under one (servers mode's openStores does).
 */
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
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
