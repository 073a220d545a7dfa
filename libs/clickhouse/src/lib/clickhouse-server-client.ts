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

/**
 * Longer than a read-only query may run (READ_ONLY_SETTINGS.max_execution_time), so that ClickHouse,
 * not the client, says it took too long; the client's default, 30 s, gave up first and left it running.
 */
const REQUEST_TIMEOUT_MS = (READ_ONLY_SETTINGS.max_execution_time + 10) * 1000;
/**
 * Idle sockets are dropped well before the server closes them (`keep_alive_timeout`, 3 s on 18.16):
 * the client's default, 2.5 s, left a socket the server was closing to be reused under load, and
 * the request failed with "socket hang up".
 */
const IDLE_SOCKET_TTL_MS = 1_000;

function httpClient(url: string, database: string): HttpClient {
  return createClient({
    url,
    database,
    clickhouse_settings: SHARED_SETTINGS,
    request_timeout: REQUEST_TIMEOUT_MS,
    keep_alive: { enabled: true, idle_socket_ttl: IDLE_SOCKET_TTL_MS, eagerly_destroy_stale_sockets: true },
    // Failures reach the caller as ClickHouseStatementError; the client's own log would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  });
}
