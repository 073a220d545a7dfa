import { addDecimal, compareDecimal, decimalOfUnits, floorDecimal, floorDivideDecimal, multiplyDecimal, scaleOfDecimal, subtractDecimal, unitsAtScale } from '@cdp/money';
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
 * `qualifyingSpendAt` of one account at many instants, the same strings: running totals of its
 * purchase lots' amounts and of its refunds make each look two binary searches, where
 * `qualifyingSpendAt` adds up its window every time, which for a reconcile of an account of
 * thousands of lots took seconds to minutes and held the process up meanwhile.
 */
export function qualifyingSpendLookup(account: Pick<LoyaltyAccountState, 'lots' | 'refunds'>, tierWindowDays: number): (at: string) => string {
  // Most reconciles look once (a purchase in order concerns its own lot): the totals are made for a second look.
  let looks = 0;
  let lookup: ((at: string) => string) | undefined;
  return (at) => (looks++ === 0 ? qualifyingSpendAt(account, at, tierWindowDays) : (lookup ??= runningTotalsLookup(account, tierWindowDays))(at));
}

function runningTotalsLookup(account: Pick<LoyaltyAccountState, 'lots' | 'refunds'>, tierWindowDays: number): (at: string) => string {
  const purchased = windowTotals(account.lots, (lot) => lot.earnedAt, (lot) => (isPurchaseLot(lot) ? lot.amount : null));
  const refunded = windowTotals(account.refunds, (refund) => refund.occurredAt, (refund) => refund.amount);
  return (at) => {
    const start = addDays(at, -tierWindowDays);
    const purchases = purchased(start, at);
    const refunds = refunded(start, at);
    // As qualifyingSpendAt writes it: with the largest scale of the amounts it adds, and "0" when it would be negative.
    const scale = Math.max(purchases.scale, refunds.scale);
    const net = purchases.units * 10n ** BigInt(scale - purchases.scale) - refunds.units * 10n ** BigInt(scale - refunds.scale);
    return net < 0n ? '0' : decimalOfUnits(net, scale);
  };
}

/**
 * The total of the amounts of the items whose instant is in [start, end), and the largest scale
 * among them (0 when none), for items sorted by that instant: prefix sums at the largest scale of
 * all, and a sparse table of scales for the maximum over any range.
 */
function windowTotals<T>(items: readonly T[], instantOf: (item: T) => string, amountOf: (item: T) => string | null): (start: string, end: string) => { units: bigint; scale: number } {
  const scales = items.map((item) => {
    const amount = amountOf(item);
    return amount === null ? 0 : scaleOfDecimal(amount);
  });
  // Not Math.max(...scales): an account can hold more lots than a call takes arguments.
  const maxScale = scales.reduce((max, scale) => (scale > max ? scale : max), 0);
  const prefix: bigint[] = [0n];
  for (const item of items) {
    const amount = amountOf(item);
    prefix.push(prefix[prefix.length - 1] + (amount === null ? 0n : unitsAtScale(amount, maxScale)));
  }
  const levels: number[][] = [scales];
  for (let width = 2; width <= scales.length; width *= 2) {
    const below = levels[levels.length - 1];
    levels.push(below.slice(0, scales.length - width + 1).map((scale, i) => Math.max(scale, below[i + width / 2])));
  }
  return (start, end) => {
    const low = firstAtOrAfter(items, start, instantOf);
    const high = firstAtOrAfter(items, end, instantOf);
    if (low >= high) return { units: 0n, scale: 0 };
    const level = 31 - Math.clz32(high - low);
    const scale = Math.max(levels[level][low], levels[level][high - (1 << level)]);
    return { units: (prefix[high] - prefix[low]) / 10n ** BigInt(maxScale - scale), scale };
  };
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
