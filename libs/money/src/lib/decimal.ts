import { MoneyError } from './money.errors';

/*
 * Exact decimal arithmetic on decimal strings, over BigInt: no float ever holds an amount.
 *
 * A decimal is written in plain notation: an optional "-", one or more digits, and optionally a
 * "." followed by one or more digits ("300000", "12.50", "-12.5", "0.001"). No "+", exponent,
 * spaces, or bare "." at either end. The platform's amounts are non-negative (`isAmount`); results
 * of a subtraction may be negative.
 *
 * The canonical form, which every function here returns: no leading zeros in the integer part
 * ("007.5" -> "7.5", "0.5" stays), no minus on zero ("-0.00" -> "0.00"), and the SCALE (the number
 * of fractional digits) kept as written, never trimmed: "12.50" stays "12.50". A sum or a
 * difference has the larger scale of its operands ("300000" + "12.50" = "300012.50"), like SQL
 * NUMERIC and Java's BigDecimal. So adding the same amounts in any order or grouping gives the same
 * string, and an amount keeps the precision its source gave it. Two decimals equal in value but
 * not in scale ("1.5", "1.50") are equal for `compareDecimal`, not as strings.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A decimal as an integer number of units of 10^-scale. */
interface Scaled {
  readonly units: bigint;
  readonly scale: number;
}

/** Whether `value` is a decimal string in plain notation, possibly negative. */
export function isDecimal(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL.test(value);
}

/** Whether `value` is a non-negative decimal string: what an amount of money is in a touchpoint. */
export function isAmount(value: unknown): value is string {
  return isDecimal(value) && !value.startsWith('-');
}

/** The canonical form of a decimal (see above): "007.50" -> "7.50", "-0" -> "0". */
export function canonicalDecimal(value: string): string {
  return format(parse(value));
}

/** The number of fractional digits: "12.50" -> 2, "300000" -> 0. */
export function scaleOfDecimal(value: string): number {
  return parse(value).scale;
}

/** a + b, exact, with the larger scale of the two. */
export function addDecimal(a: string, b: string): string {
  const [x, y, scale] = aligned(parse(a), parse(b));
  return format({ units: x + y, scale });
}

/** a − b, exact, with the larger scale of the two; negative when b > a ("-12.5"). */
export function subtractDecimal(a: string, b: string): string {
  const [x, y, scale] = aligned(parse(a), parse(b));
  return format({ units: x - y, scale });
}

/** -1, 0 or 1 as a is less than, equal in value to, or greater than b ("1.5" equals "1.50"). */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = aligned(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * a / divisor with `scale` fractional digits, rounded half-up, that is half away from zero (Java's
 * HALF_UP): "10" / 4 at scale 0 is "3", "-10" / 4 is "-3", "0.125" / 1 at scale 2 is "0.13". For
 * averages: divideDecimal(total, count, 2). `divisor` is a non-zero integer.
 */
export function divideDecimal(a: string, divisor: bigint | number, scale: number): string {
  if (!Number.isSafeInteger(scale) || scale < 0) throw new MoneyError('MONEY.INVALID_ARGUMENT', `the scale must be a non-negative integer, not ${scale}`);
  if (typeof divisor === 'number' && !Number.isSafeInteger(divisor)) throw new MoneyError('MONEY.INVALID_ARGUMENT', `the divisor must be an integer, not ${divisor}`);
  const n = BigInt(divisor);
  if (n === 0n) throw new MoneyError('MONEY.DIVISION_BY_ZERO', `cannot divide ${a} by zero`);
  const x = parse(a);
  // units(result) = x.units * 10^scale / (n * 10^x.scale), rounded.
  const numerator = scale >= x.scale ? x.units * 10n ** BigInt(scale - x.scale) : x.units;
  const denominator = scale >= x.scale ? n : n * 10n ** BigInt(x.scale - scale);
  const negative = numerator < 0n !== denominator < 0n;
  const num = abs(numerator);
  const den = abs(denominator);
  const quotient = num / den + (2n * (num % den) >= den ? 1n : 0n);
  return format({ units: negative ? -quotient : quotient, scale });
}

/**
 * a × b, exact, with the sum of the two scales as its scale, like SQL NUMERIC and Java's
 * BigDecimal: "300000" × "0.1" = "30000.0", "1.5" × "1.25" = "1.875".
 */
export function multiplyDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return format({ units: x.units * y.units, scale: x.scale + y.scale });
}

/** The largest integer not above `value`: "30000.0" -> 30000n, "1.875" -> 1n, "-1.5" -> -2n. */
export function floorDecimal(value: string): bigint {
  const { units, scale } = parse(value);
  const unit = 10n ** BigInt(scale);
  const truncated = units / unit;
  return units < 0n && truncated * unit !== units ? truncated - 1n : truncated;
}

/**
 * The largest integer not above a / b, exact: "7" / "2" -> 3n, "1" / "0.3" -> 3n, "-7" / "2" -> -4n.
 * For proportions such as floor(points × refunded / amount). `b` is not zero.
 */
export function floorDivideDecimal(a: string, b: string): bigint {
  const [x, y] = aligned(parse(a), parse(b));
  if (y === 0n) throw new MoneyError('MONEY.DIVISION_BY_ZERO', `cannot divide ${a} by zero`);
  const quotient = x / y;
  return quotient * y !== x && x < 0n !== y < 0n ? quotient - 1n : quotient;
}

/** `value` as an integer number of units of 10^-scale: "12.5" at scale 2 is 1250n. `scale` is at least the value's own. */
export function unitsAtScale(value: string, scale: number): bigint {
  const parsed = parse(value);
  if (!Number.isSafeInteger(scale) || scale < parsed.scale) throw new MoneyError('MONEY.INVALID_ARGUMENT', `${value} has more than ${scale} fractional digits`);
  return parsed.units * 10n ** BigInt(scale - parsed.scale);
}

/** The canonical decimal of `units` units of 10^-scale: 1250n at scale 2 is "12.50". */
export function decimalOfUnits(units: bigint, scale: number): string {
  if (!Number.isSafeInteger(scale) || scale < 0) throw new MoneyError('MONEY.INVALID_ARGUMENT', `the scale must be a non-negative integer, not ${scale}`);
  return format({ units, scale });
}

function parse(value: string): Scaled {
  const match = typeof value === 'string' ? DECIMAL.exec(value) : null;
  if (!match) throw new MoneyError('MONEY.INVALID_DECIMAL', `${JSON.stringify(value)} is not a decimal string such as "300000" or "12.50"`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(whole + fraction);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function aligned(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function format({ units, scale }: Scaled): string {
  const digits = abs(units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const text = scale === 0 ? whole : `${whole}.${digits.slice(digits.length - scale)}`;
  return units < 0n ? `-${text}` : text;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}
