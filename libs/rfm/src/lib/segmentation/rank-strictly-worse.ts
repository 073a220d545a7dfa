import { scaleOfDecimal } from '@cdp/money';

/**
 * For each value, how many of the values are strictly worse than it, so that tied values share
 * one count. `compare` orders worse before better. One sort: O(n log n).
 */
export function countStrictlyWorse<T>(values: readonly T[], compare: (a: T, b: T) => number): number[] {
  const order = values.map((_, i) => i).sort((a, b) => compare(values[a], values[b]));
  const worse = new Array<number>(values.length);
  let tieStart = 0;
  order.forEach((index, position) => {
    if (position > 0 && compare(values[order[position - 1]], values[index]) !== 0) tieStart = position;
    worse[index] = tieStart;
  });
  return worse;
}

export const ascending = (a: number, b: number): number => a - b;
export const descending = (a: number, b: number): number => b - a;
export const ascendingBigInt = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Decimal strings as integers of one common scale, which order as the decimals do ("10.5" and
 * "10.50" both become 1050n). Sorting with `compareDecimal` would parse both strings in each of
 * the n log n comparisons; this parses each once. Each value must be a decimal (`isDecimal`).
 */
export function decimalsAtCommonScale(values: readonly string[]): bigint[] {
  const scale = values.reduce((max, value) => Math.max(max, scaleOfDecimal(value)), 0);
  return values.map((value) => {
    const [whole, fraction = ''] = value.replace('-', '').split('.');
    const units = BigInt(whole + fraction.padEnd(scale, '0'));
    return value.startsWith('-') ? -units : units;
  });
}
