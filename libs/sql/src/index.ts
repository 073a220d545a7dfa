export * from './lib/sql-client.port';
export * from './lib/postgres-sql-client';
export * from './lib/pglite-sql-client';
export * from './lib/migrate-schema';
export * from './lib/one-process-at-a-time';
export * from './lib/maintenance/maintenance-due';
export * from './lib/maintenance/maintain-tables';
export * from './lib/json-texts';
