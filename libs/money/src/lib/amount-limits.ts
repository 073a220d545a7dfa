import { canonicalDecimal, isAmount, scaleOfDecimal } from './decimal';

/*
 * The largest amounts the platform keeps: 15 digits before the point and 3 after, what the
 * analytics tables' Decimal(18, 3) holds exactly (Decimal(18, 3) is also what every ISO 4217
 * currency but two fund units needs). Ingestion refuses an amount beyond them, so an accepted
 * touchpoint is never one that a read model cannot hold.
 */
export const MAX_AMOUNT_INTEGER_DIGITS = 15;
export const MAX_AMOUNT_SCALE = 3;

/** Whether `value` is an amount (a non-negative decimal string) within the limits above. */
export function isAmountWithinLimits(value: unknown): value is string {
  if (!isAmount(value)) return false;
  const canonical = canonicalDecimal(value);
  return scaleOfDecimal(canonical) <= MAX_AMOUNT_SCALE && canonical.split('.')[0].length <= MAX_AMOUNT_INTEGER_DIGITS;
}
