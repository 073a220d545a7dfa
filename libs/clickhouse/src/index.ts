export * from './lib/clickhouse-client.port';
export { ChdbDataFolderLockedError, ClickHouseError, ClickHouseStatementError } from './lib/clickhouse.errors';
export * from './lib/clickhouse-literal';
export * from './lib/clickhouse-server-client';
export * from './lib/chdb-client';
export * from './lib/migrate-analytics';
export { MAX_READ_ONLY_ROWS } from './lib/clickhouse-settings';
