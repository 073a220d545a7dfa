import { utcDateTimeText } from './utc-date-time';

export type SqlValue = string | number | bigint | boolean | null | Date | readonly SqlValue[];

const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
};
/** The least positive normal double: 18.16 cannot parse a literal closer to zero (a subnormal). */
const SMALLEST_NORMAL = 2 ** -1022;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * The one way a value enters ClickHouse SQL. ClickHouse 18.16 has no query parameters, so values
 * are written into the SQL as literals; never concatenate a value any other way.
 * - strings: single-quoted; backslash, quote and control characters escaped;
 * - numbers: finite and not subnormal; bigints: within Int64..UInt64; negative ones in parentheses, so that
 *   `a-${sqlLiteral(-1)}` cannot turn into the comment `a--1`;
 * - booleans: 1 and 0 (18.16 has no Bool); null: NULL;
 * - Dates: toDateTime('YYYY-MM-DD hh:mm:ss', 'UTC'), to the second;
 * - arrays: [a, b], of any of these.
 */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'bigint') return bigintLiteral(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return `toDateTime(${stringLiteral(utcDateTimeText(value))}, 'UTC')`;
  if (!Array.isArray(value)) throw new TypeError(`${String(value)} has no ClickHouse literal`);
  return `[${value.map(sqlLiteral).join(', ')}]`;
}

/** Quotes an identifier (database, table or column name) that comes from code or configuration, never from input. */
export function sqlIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`"${name}" is not a valid ClickHouse identifier: use lower-case letters, digits and _`);
  }
  return `\`${name}\``;
}

function stringLiteral(text: string): string {
  let escaped = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) throw new RangeError('a string with a lone surrogate is not valid Unicode, and ClickHouse stores UTF-8');
    escaped += STRING_ESCAPES[char] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char);
  }
  return `'${escaped}'`;
}

function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} has no ClickHouse literal: numbers must be finite`);
  if (value !== 0 && Math.abs(value) < SMALLEST_NORMAL) throw new RangeError(`${value} is too close to zero: ClickHouse 18.16 cannot parse it`);
  return value < 0 ? `(${value})` : String(value);
}

function bigintLiteral(value: bigint): string {
  if (value < INT64_MIN || value > UINT64_MAX) throw new RangeError(`${value} is outside Int64 and UInt64`);
  return value < 0n ? `(${value})` : String(value);
}
