import type { LoyaltyAccountEvent } from './loyalty-account.events';
import type { LoyaltyAccountState } from './loyalty-account.state';

/** A ledger row's effect: what the event did to the account's balance, and what caused it. */
export interface LedgerEffect {
  /** Signed: the ledger's points add up to the balance (lots left minus debt). */
  readonly points: number;
  /** The touchpoint, refund, idempotency key or account behind the change. */
  readonly cause: string;
}

/**
 * What `event` did to the balance of the account it took from `before` to `after`. A claw-back or an
 * adjustment that takes back points which had expired, or an expiry that pays a debt, changes only
 * why points are gone, not all of the balance (see evolveLoyaltyAccount), so those count the
 * balance's change, not their points.
 */
export function ledgerEffectOf(event: LoyaltyAccountEvent, before: LoyaltyAccountState, after: LoyaltyAccountState): LedgerEffect {
  switch (event.type) {
    case 'PointsEarned':
      return { points: event.data.points, cause: event.data.lotId };
    case 'RefundRecorded':
      return { points: 0, cause: event.data.refundEventId };
    case 'PointsClawedBack':
      return { points: balanceOf(after) - balanceOf(before), cause: event.data.refundEventId };
    case 'PointsAdjusted':
      return { points: balanceOf(after) - balanceOf(before), cause: event.data.causeId };
    case 'PointsRedeemed':
      return { points: -event.data.points, cause: event.data.idempotencyKey };
    case 'PointsExpired':
      return { points: balanceOf(after) - balanceOf(before), cause: event.data.lotId };
    case 'LoyaltyAccountMerged':
      return { points: -balanceOf(event.data.account), cause: event.data.into };
    case 'LoyaltyAccountAbsorbed':
      return { points: balanceOf(event.data.account), cause: event.data.from };
    default: {
      const unknown: never = event;
      throw new Error(`unhandled loyalty event ${JSON.stringify(unknown)}`);
    }
  }
}

/** Points left in lots minus debt, whatever the clock says about expiry. */
export function balanceOf(state: LoyaltyAccountState): number {
  return state.lots.reduce((sum, lot) => sum + lot.remaining, 0) - state.debt;
}

/** The earliest expiry among lots with points left: when the expiry scheduler must look again. */
export function nextExpiryOf(state: LoyaltyAccountState): string | null {
  let next: string | null = null;
  for (const lot of state.lots) if (lot.remaining > 0 && (next === null || lot.expiresAt < next)) next = lot.expiresAt;
  return next;
}
