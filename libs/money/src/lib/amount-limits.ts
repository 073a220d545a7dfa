import { canonicalDecimal, isAmount } from './decimal';

/*
 * The largest amounts the platform keeps as an order's total: 15 digits before the point and 3
 * after, what the analytics tables' Decimal(18, 3) holds exactly (and what every ISO 4217 currency
 * but two fund units needs). Ingestion refuses a total beyond them, so an accepted touchpoint is
 * never one that a read model cannot hold.
 */
export const MAX_AMOUNT_INTEGER_DIGITS = 15;
export const MAX_AMOUNT_SCALE = 3;

/**
 * The amount (a non-negative decimal string) as a Decimal(18, 3) column takes it: canonical, with
 * fractional zeros beyond 3 decimals dropped ("12.5000" is "12.500"); undefined when it does not fit.
 */
export function amountWithinLimits(value: unknown): string | undefined {
  if (!isAmount(value)) return undefined;
  const canonical = canonicalDecimal(value);
  const [whole, fraction = ''] = canonical.split('.');
  const kept = fraction.length > MAX_AMOUNT_SCALE ? fraction.replace(/0+$/, '').padEnd(MAX_AMOUNT_SCALE, '0') : fraction;
  if (whole.length > MAX_AMOUNT_INTEGER_DIGITS || kept.length > MAX_AMOUNT_SCALE) return undefined;
  return kept === '' ? whole : `${whole}.${kept}`;
}
