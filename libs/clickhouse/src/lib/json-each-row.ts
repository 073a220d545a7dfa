import { utcDateTimeText } from './utc-date-time';

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * Rows as JSONEachRow text, one line a row. A decimal string for a column in `decimalColumns` is
 * written as a bare JSON number: 18.16 refuses a quoted decimal, and ClickHouse reads a bare one
 * as text, so every digit is kept. A key whose value is undefined is left out (the column default).
 */
export function encodeJsonEachRow(rows: readonly Record<string, unknown>[], decimalColumns: ReadonlySet<string>): string {
  return rows.map((row) => `${encodeRow(row, decimalColumns)}\n`).join('');
}

function encodeRow(row: Record<string, unknown>, decimalColumns: ReadonlySet<string>): string {
  const fields = Object.entries(row)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${JSON.stringify(name)}:${encodeValue(value, decimalColumns.has(name))}`);
  return `{${fields.join(',')}}`;
}

function encodeValue(value: unknown, decimal: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return decimal && DECIMAL_TEXT.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${value} cannot be inserted into ClickHouse: numbers must be finite`);
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return JSON.stringify(utcDateTimeText(value));
  if (Array.isArray(value)) return `[${value.map((item) => encodeValue(item, decimal)).join(',')}]`;
  throw new TypeError(`${String(value)} cannot be inserted into ClickHouse: use a string, number, bigint, boolean, Date, null or an array of them`);
}
