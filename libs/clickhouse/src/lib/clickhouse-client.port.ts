/**
 * The little of ClickHouse that the analytics store needs, so one store serves the ClickHouse
 * server (18.16, servers mode) and chDB (the 26.7 engine in-process, embedded mode) alike.
 *
 * Both adapters run with the same format settings (clickhouse-settings.ts), so rows look the same:
 * - UInt64, Int64 and wider integers come back as strings; smaller integers and floats as numbers;
 * - Decimal values come back as strings with their full scale ('0.10', '-300000.00');
 * - DateTime values as 'YYYY-MM-DD hh:mm:ss' in the column's time zone: declare DateTime('UTC');
 * - Nullable values as null, arrays as arrays.
 *
 * The SQL must run on 18.16: no query parameters, so values go in through `sqlLiteral`.
 */
export interface ClickHouseClient {
  /** The database that unqualified table names refer to; created when the client opens. */
  readonly database: string;
  /** Runs a statement that returns no rows (DDL, INSERT ... SELECT, ALTER). */
  command(sql: string): Promise<void>;
  query<Row = Record<string, unknown>>(sql: string, options?: ClickHouseQueryOptions): Promise<Row[]>;
  /**
   * Inserts the rows into a table of `database` in one INSERT (JSONEachRow). A missing key takes
   * the type's default ('' or 0), not the column's DEFAULT expression: 18.16 ignores those in
   * JSONEachRow. Decimal columns take exact decimal strings ('300000.10') or numbers,
   * 64-bit integer columns strings, bigints or numbers, DateTime columns text or a Date (as UTC).
   * A key the table does not have is refused, and so is null in a column that is not Nullable.
   */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  /** The engine's version, e.g. '18.16.1' or '26.7.2.1'. */
  version(): Promise<string>;
  close(): Promise<void>;
}

export interface ClickHouseQueryOptions {
  /**
   * Runs the query with the setting readonly=1: ClickHouse refuses any write, any DDL and any
   * change of settings (a SETTINGS clause too), so SQL typed by a user (`cdp sql`) is safe to run.
   * Its result is cut short after MAX_READ_ONLY_ROWS + 1 rows (more if a block ends later), and it
   * may run a minute (READ_ONLY_SETTINGS).
   */
  readonly readonly?: boolean;
}
