import { ClickHouseLogLevel, createClient, type ClickHouseClient as HttpClient } from '@clickhouse/client';
import type { ClickHouseClient } from './clickhouse-client.port';
import { locateFailure } from './clickhouse.errors';
import { sqlIdentifier } from './clickhouse-literal';
import { READ_ONLY_SETTINGS, SHARED_SETTINGS } from './clickhouse-settings';
import { clientOver } from './clickhouse-transport';

export interface ClickHouseServerOptions {
  /** The HTTP interface, e.g. http://127.0.0.1:8123; user and password may be in it. */
  readonly url: string;
  readonly database: string;
}

/** A ClickHouseClient for a ClickHouse server, over HTTP (@clickhouse/client). Creates `database` if it is missing. */
export async function createClickHouseServerClient({ url, database }: ClickHouseServerOptions): Promise<ClickHouseClient> {
  const quotedDatabase = sqlIdentifier(database);
  const bootstrap = httpClient(url, 'default');
  const createDatabase = `CREATE DATABASE IF NOT EXISTS ${quotedDatabase}`;
  try {
    await locateFailure(createDatabase, () => bootstrap.command({ query: createDatabase }));
  } finally {
    await bootstrap.close();
  }
  const http = httpClient(url, database);
  return clientOver({
    database,
    async execute(sql) {
      await http.command({ query: sql });
    },
    async selectJson(sql, readonly) {
      const result = await http.query({ query: sql, format: 'JSON', clickhouse_settings: readonly ? READ_ONLY_SETTINGS : {} });
      return result.text();
    },
    async insertJsonEachRow(table, rows) {
      // The rows follow the statement in the body, as ClickHouse reads an INSERT over HTTP;
      // http.insert would serialise them itself, without knowing which columns are decimals.
      await http.command({ query: `INSERT INTO ${quotedDatabase}.${sqlIdentifier(table)} FORMAT JSONEachRow\n${rows}` });
    },
    close: () => http.close(),
  });
}

function httpClient(url: string, database: string): HttpClient {
  // Failures reach the caller as ClickHouseStatementError; the client's own log would repeat them.
  return createClient({ url, database, clickhouse_settings: SHARED_SETTINGS, log: { level: ClickHouseLogLevel.OFF } });
}
