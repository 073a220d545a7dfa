import { addDecimal, compareDecimal, floorDecimal, floorDivideDecimal, multiplyDecimal, subtractDecimal } from '@cdp/money';
import type { LoyaltyProgram, LoyaltyTier } from '../program/loyalty-program';
import { addDays } from '../utc-instant';
import type { LoyaltyAccountState, LoyaltyLot } from './loyalty-account.state';

/*
 * The arithmetic of earning, exact over decimal strings: no float ever holds an amount or a rate.
 */

/** floor(amount × pointsPerUnit × multiplier), as a safe integer. */
export function pointsFor(amount: string, pointsPerUnit: string, multiplier: string): number {
  const points = floorDecimal(multiplyDecimal(multiplyDecimal(amount, pointsPerUnit), multiplier));
  if (points > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${amount} × ${pointsPerUnit} × ${multiplier} is ${points} points, more than the ${Number.MAX_SAFE_INTEGER} one account can count`);
  }
  return Number(points);
}

/** The last tier whose `from` is at or below the qualifying spend (the first tier starts at 0). */
export function tierFor(program: LoyaltyProgram, qualifyingSpend: string): LoyaltyTier {
  let tier = program.tiers[0];
  for (const candidate of program.tiers) if (compareDecimal(candidate.from, qualifyingSpend) <= 0) tier = candidate;
  return tier;
}

/** The tier after `tier` in the program, or null at the top. */
export function nextTier(program: LoyaltyProgram, tier: LoyaltyTier): LoyaltyTier | null {
  const index = program.tiers.findIndex((candidate) => candidate.name === tier.name);
  return program.tiers[index + 1] ?? null;
}

/**
 * The qualifying spend at instant `at`: the purchase lots' amounts earned in [at − tierWindowDays,
 * at) less the refunds that occurred in that window (of any order), never below "0". `at` itself is
 * out, so purchases at the same instant never lift each other's tier. Uses the FIFO sort of lots and
 * refunds to find the window, then adds what is in it, in that order.
 */
export function qualifyingSpendAt(account: Pick<LoyaltyAccountState, 'lots' | 'refunds'>, at: string, tierWindowDays: number): string {
  const start = addDays(at, -tierWindowDays);
  const lots = account.lots.slice(
    firstAtOrAfter(account.lots, start, (lot) => lot.earnedAt),
    firstAtOrAfter(account.lots, at, (lot) => lot.earnedAt),
  );
  const refunds = account.refunds.slice(
    firstAtOrAfter(account.refunds, start, (refund) => refund.occurredAt),
    firstAtOrAfter(account.refunds, at, (refund) => refund.occurredAt),
  );
  const purchased = lots.reduce((sum, lot) => (isPurchaseLot(lot) ? addDecimal(sum, lot.amount) : sum), '0');
  const net = refunds.reduce((sum, refund) => subtractDecimal(sum, refund.amount), purchased);
  return compareDecimal(net, '0') < 0 ? '0' : net;
}

/**
 * The points a refunded order has to give back: floor(orderEarned × min(refunded, amount) / amount),
 * so a refund of more than the order takes back no more than it earned. 0 for an order of amount 0.
 */
export function clawbackTarget(orderEarned: number, amount: string, refundedTotal: string): number {
  if (compareDecimal(amount, '0') === 0) return 0;
  const refunded = compareDecimal(refundedTotal, amount) < 0 ? refundedTotal : amount;
  return Number(floorDivideDecimal(multiplyDecimal(String(orderEarned), refunded), amount));
}

/** A lot earned by a purchase: it has an order and an amount, and counts as qualifying spend. */
export function isPurchaseLot(lot: LoyaltyLot): lot is LoyaltyLot & { readonly orderId: string; readonly amount: string } {
  return lot.orderId !== null && lot.amount !== null;
}

/** The index of the first item whose instant is at or after `at`, in items sorted by that instant. */
function firstAtOrAfter<T>(items: readonly T[], at: string, instantOf: (item: T) => string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (instantOf(items[middle]) < at) low = middle + 1;
    else high = middle;
  }
  return low;
}
