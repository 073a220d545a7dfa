import type { ClickHouseClient } from './clickhouse-client.port';
import { locateFailure } from './clickhouse.errors';
import { sqlIdentifier, sqlLiteral } from './clickhouse-literal';
import { encodeJsonEachRow } from './json-each-row';
import { decodeJsonResult } from './json-result';

/** What an adapter does itself; everything else (formats, errors, decimals) is shared by clientOver. */
export interface ClickHouseTransport {
  readonly database: string;
  execute(sql: string): Promise<void>;
  /** The result of `sql` in ClickHouse's JSON format (with `meta`), as text. */
  selectJson(sql: string, readonly: boolean): Promise<string>;
  /** Inserts JSONEachRow text; `table` is a valid identifier in `database`. */
  insertJsonEachRow(table: string, rows: string): Promise<void>;
  close(): Promise<void>;
}

/** A ClickHouseClient over a transport: both adapters get the same behaviour from here. */
export function clientOver(transport: ClickHouseTransport): ClickHouseClient {
  const { database } = transport;
  const query: ClickHouseClient['query'] = (sql, options) =>
    locateFailure(sql, async () => decodeJsonResult(await transport.selectJson(sql, options?.readonly ?? false)));
  const decimalColumns = decimalColumnsCache(database, query);
  return {
    database,
    async command(sql) {
      await locateFailure(sql, () => transport.execute(sql));
      decimalColumns.forget();
    },
    query,
    async insert(table, rows) {
      const statement = `INSERT INTO ${sqlIdentifier(database)}.${sqlIdentifier(table)} FORMAT JSONEachRow`;
      if (rows.length === 0) return;
      const encoded = encodeJsonEachRow(rows, await decimalColumns.of(table));
      await locateFailure(statement, () => transport.insertJsonEachRow(table, encoded));
    },
    version: async () => (await query<{ version: string }>('SELECT version() AS version'))[0].version,
    close: () => transport.close(),
  };
}

/**
 * Which columns of each table are decimals, for encodeJsonEachRow. Forgotten after every command,
 * as a command may change a table. A table changed by another process is seen after a restart; until
 * then a decimal string sent to its new decimal column fails loudly on 18.16.
 */
function decimalColumnsCache(database: string, query: ClickHouseClient['query']) {
  const known = new Map<string, Promise<ReadonlySet<string>>>();
  const load = async (table: string) => {
    const rows = await query<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = ${sqlLiteral(database)} AND table = ${sqlLiteral(table)} AND type LIKE '%Decimal%'`,
    );
    return new Set(rows.map((row) => row.name));
  };
  return {
    of(table: string): Promise<ReadonlySet<string>> {
      let columns = known.get(table);
      if (!columns) {
        columns = load(table);
        known.set(table, columns);
        columns.catch(() => known.delete(table));
      }
      return columns;
    },
    forget: () => known.clear(),
  };
}
