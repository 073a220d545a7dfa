/**
 * Settings both adapters run with, so that rows go in and come back the same way on the 18.16
 * server and on chDB's 26.7 engine. They are what 18.16 does by default, stated explicitly.
 */
export const SHARED_SETTINGS = {
  /** UInt64 and Int64 as JSON strings: a JS number cannot hold them (chDB's default is 0). */
  output_format_json_quote_64bit_integers: 1,
  /** An insert with a misspelt column fails instead of dropping the value (chDB's default is 1). */
  input_format_skip_unknown_fields: 0,
  /** DateTime input is 'YYYY-MM-DD hh:mm:ss' or a unix time, not guessed (chDB's default is best_effort). */
  date_time_input_format: 'basic',
} as const;

/** The rows a read-only query (SQL typed by a person) gives back at the most. */
export const MAX_READ_ONLY_ROWS = 10_000;

/**
 * Settings of read-only queries. Besides readonly=1, ClickHouse stops sending rows once it has sent
 * one more than MAX_READ_ONLY_ROWS (at the end of a block, up to 65,536 rows), so that a query without
 * a LIMIT cannot fill the platform's memory with its result (in embedded mode ingestion shares that
 * process), and gives up on a query after a minute. 18.16 takes them beside readonly=1.
 */
export const READ_ONLY_SETTINGS = {
  readonly: '1',
  max_result_rows: String(MAX_READ_ONLY_ROWS + 1),
  result_overflow_mode: 'break',
  max_execution_time: 60,
} as const;

/** Settings that 18.16 does not know (so only chDB gets them), which make the 26.7 engine behave as 18.16 does. */
export const CHDB_ONLY_SETTINGS = {
  /** Decimals as bare JSON numbers, as 18.16 writes them; json-result.ts turns them into exact strings. */
  output_format_json_quote_decimals: 0,
  /** '0.10', not '0.1': 18.16 always writes a decimal with its full scale. */
  output_format_decimal_trailing_zeros: 1,
  /** null in a column that is not Nullable fails instead of becoming the default. */
  input_format_null_as_default: 0,
  /** A JSON number in a String column fails instead of becoming its text. */
  input_format_json_read_numbers_as_strings: 0,
  /** A key missing from a JSONEachRow row takes the type's default ('' or 0), not the column's DEFAULT expression. */
  input_format_defaults_for_omitted_fields: 0,
  /** now(), today() and DateTimes without a zone in UTC, as on a server configured in UTC: chDB otherwise takes the host's zone (TZ). */
  session_timezone: 'UTC',
} as const;
