import type { LoyaltyAccountState, LoyaltyLot, RecordedRefund } from './loyalty-account.state';

/** The FIFO order of lots: by earnedAt, then lotId (code units, the same on every host). */
export function compareLots(a: LoyaltyLot, b: LoyaltyLot): number {
  return compareText(a.earnedAt, b.earnedAt) || compareText(a.lotId, b.lotId);
}

/** The order of refunds: by occurredAt, then refundEventId. */
export function compareRefunds(a: RecordedRefund, b: RecordedRefund): number {
  return compareText(a.occurredAt, b.occurredAt) || compareText(a.refundEventId, b.refundEventId);
}

/** `items` with `item` inserted in `compare` order, after its equals; a new array. */
export function insertSorted<T>(items: readonly T[], item: T, compare: (a: T, b: T) => number): T[] {
  let index = items.length;
  while (index > 0 && compare(items[index - 1], item) > 0) index--;
  return [...items.slice(0, index), item, ...items.slice(index)];
}

/** A lot can be spent while now is before its expiresAt: at expiresAt exactly it has expired. */
export function isLive(lot: LoyaltyLot, now: string): boolean {
  return lot.expiresAt > now;
}

/**
 * What the customer can spend at `now`: the remaining points of the live lots, less the debt. May be
 * negative. Lots expired by `now` pay the debt when their expiry is recorded (evolveLoyaltyAccount),
 * so what they still hold counts against it already: the balance is the same before the expiry
 * runs and after.
 */
export function availablePoints(state: Pick<LoyaltyAccountState, 'lots' | 'debt'>, now: string): number {
  let live = 0;
  let expiredUnrecorded = 0;
  for (const lot of state.lots) {
    if (isLive(lot, now)) live += lot.remaining;
    else expiredUnrecorded += lot.remaining;
  }
  return live - Math.max(0, state.debt - expiredUnrecorded);
}

/** The lots expired at `now` that still hold points, in FIFO order. */
export function lotsToExpire(state: Pick<LoyaltyAccountState, 'lots'>, now: string): LoyaltyLot[] {
  return state.lots.filter((lot) => !isLive(lot, now) && lot.remaining > 0);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
