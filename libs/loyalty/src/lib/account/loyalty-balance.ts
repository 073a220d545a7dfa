import { MS_PER_DAY } from '@cdp/events';
import { compareDecimal, subtractDecimal } from '@cdp/money';
import type { LoyaltyProgram } from '../program/loyalty-program';
import { addDays, requireCanonicalInstant } from '../utc-instant';
import { nextTier, qualifyingSpendAt, tierFor } from './earning';
import { expiriesDue } from './loyalty-account.decider';
import { evolveLoyaltyAccount } from './loyalty-account.evolve';
import type { LoyaltyAccountState, LoyaltyLifetime, LoyaltyLot } from './loyalty-account.state';
import { availablePoints, isLive } from './lots';

export interface LoyaltyBalance {
  /** What can be spent now; negative while the account owes points (claw-backs after a redemption). */
  readonly available: number;
  readonly expiringSoon: ExpiringPoints;
  readonly tier: LoyaltyTierStanding;
  readonly lifetime: LoyaltyLifetime;
  /** The earliest expiresAt of a live lot that still holds points; null when none does. */
  readonly nextExpiryAt: string | null;
}

/**
 * The points that expire by `until` (now + the days asked) and that the customer can still spend,
 * lot by lot in FIFO order. A redemption spends the oldest lots first, so of what is available these
 * go first; while the account owes points (debt), only what is available counts: a lot of 30,000
 * against a debt of 30,000 shows nothing to spend before it expires.
 */
export interface ExpiringPoints {
  readonly points: number;
  readonly until: string;
  readonly lots: readonly { readonly lotId: string; readonly points: number; readonly expiresAt: string }[];
}

export interface LoyaltyTierStanding {
  readonly name: string;
  /** The spend in the tier window before now, in the program currency. */
  readonly qualifyingSpend: string;
  /** The tier above, and the spend still needed to reach it; null at the top tier. */
  readonly next: { readonly name: string; readonly from: string; readonly spendNeeded: string } | null;
}

/**
 * A customer's balance at `now`, as a read model shows it. The tier is the one a purchase at `now`
 * would be made in. Lots expiring exactly at `until` are counted as expiring soon.
 */
export function loyaltyBalance(state: LoyaltyAccountState, program: LoyaltyProgram, now: string, expiringWithinDays = 30): LoyaltyBalance {
  requireCanonicalInstant(now, 'the now of a loyalty balance');
  if (!Number.isSafeInteger(expiringWithinDays) || expiringWithinDays < 0) throw new RangeError(`expiringWithinDays must be a whole number of days, 0 or more; got ${expiringWithinDays}`);
  const until = addDays(now, expiringWithinDays);
  const holding = state.lots.filter((lot) => isLive(lot, now) && lot.remaining > 0);
  const available = availablePoints(state, now);
  const expiring = spendable(holding.filter((lot) => lot.expiresAt <= until), available);
  const nextExpiryAt = holding.reduce<string | null>((earliest, lot) => (earliest === null || lot.expiresAt < earliest ? lot.expiresAt : earliest), null);

  const qualifyingSpend = qualifyingSpendAt(state, now, program.tierWindowDays);
  const tier = tierFor(program, qualifyingSpend);
  const above = nextTier(program, tier);
  const next = above === null ? null : { name: above.name, from: above.from, spendNeeded: spendNeeded(above.from, qualifyingSpend) };

  return {
    available,
    expiringSoon: { points: expiring.reduce((sum, lot) => sum + lot.points, 0), until, lots: expiring },
    tier: { name: tier.name, qualifyingSpend, next },
    // With the expiries due that the scheduler has not written yet, so that the totals add up to `available`.
    lifetime: expiriesDue(state, now).reduce(evolveLoyaltyAccount, state).lifetime,
    nextExpiryAt,
  };
}

/** The lots' points in FIFO order, up to `available` in all: the last may show part of its points. */
function spendable(lots: readonly LoyaltyLot[], available: number): ExpiringPoints['lots'] {
  const shown: { lotId: string; points: number; expiresAt: string }[] = [];
  let left = Math.max(available, 0);
  for (const { lotId, remaining, expiresAt } of lots) {
    if (left === 0) break;
    const points = Math.min(remaining, left);
    shown.push({ lotId, points, expiresAt });
    left -= points;
  }
  return shown;
}

function spendNeeded(from: string, qualifyingSpend: string): string {
  const needed = subtractDecimal(from, qualifyingSpend);
  return compareDecimal(needed, '0') < 0 ? '0' : needed;
}

/**
 * The first instant after `now` at which the balance or the tier changes with no new event: a lot
 * holding points expires, or a purchase or refund enters or leaves the tier window. Null when
 * nothing will. A read model that shows the balance looks again then.
 */
export function nextBalanceChangeAt(state: LoyaltyAccountState, program: LoyaltyProgram, now: string): string | null {
  const windowMs = program.tierWindowDays * MS_PER_DAY;
  const nowMs = Date.parse(now);
  const candidates = [
    ...state.lots.filter((lot) => lot.remaining > 0).map((lot) => Date.parse(lot.expiresAt)),
    ...[...state.lots.map((lot) => lot.earnedAt), ...state.refunds.map((refund) => refund.occurredAt)].flatMap((at) => {
      // It counts from just after it happened until the window's start passes it.
      const enters = Date.parse(at) + 1;
      return [enters, enters + windowMs];
    }),
  ];
  const next = candidates.reduce((earliest, at) => (at > nowMs && at < earliest ? at : earliest), Infinity);
  return next === Infinity ? null : new Date(next).toISOString();
}
