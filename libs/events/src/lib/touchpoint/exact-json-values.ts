import { isLosslessNumber } from 'lossless-json';
import { ISO_DATE } from '../avro/iso-logical-types';

/**
 * The text of a JSON number. Bodies parsed with lossless-json keep each number's exact text, so
 * 300000.10 stays "300000.10"; a plain JS number gives its shortest round-trip text.
 */
export function numberText(value: unknown): string | undefined {
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Digits a decimal may be written out to, before or after its point: far beyond any money, short of a body's worth. */
const MAX_WRITTEN_DIGITS = 100;

/**
 * A non-negative decimal in plain notation ("300000", "12.50"), from a decimal string or a JSON
 * number, converted exactly; undefined when it is not one.
 */
export function exactDecimal(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value.trim() : numberText(value);
  const match = text === undefined ? null : DECIMAL.exec(text);
  if (!match) return undefined;
  const [, whole, fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  // An exponent like 1e999999999 would otherwise be written out in full.
  if (point - digits.length > MAX_WRITTEN_DIGITS || -point > MAX_WRITTEN_DIGITS) return undefined;
  const shifted =
    point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return shifted.replace(/^0+(?=\d)/, '');
}

/** A real calendar date "YYYY-MM-DD"; undefined otherwise. */
export function calendarDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return undefined;
  const millis = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(millis) && new Date(millis).toISOString().startsWith(value) ? value : undefined;
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 currency code, upper-cased; undefined when unknown. */
export function currencyCode(value: unknown): string | undefined {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  return code && CURRENCIES.has(code) ? code : undefined;
}
