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
 * What `event` did to the balance of the account it took from `before` to `after`: the balance's
 * change, not the event's points, since a claw-back of points that had expired, or an expiry that
 * pays a debt, changes only why points are gone (see evolveLoyaltyAccount). A merged account's
 * balance leaves with it, though its state keeps its lots.
 */
export function ledgerEffectOf(event: LoyaltyAccountEvent, before: LoyaltyAccountState, after: LoyaltyAccountState): LedgerEffect {
  const points = event.type === 'LoyaltyAccountMerged' ? -balanceOf(event.data.account) : balanceOf(after) - balanceOf(before);
  return { points, cause: causeOf(event) };
}

function causeOf(event: LoyaltyAccountEvent): string {
  switch (event.type) {
    case 'PointsEarned':
    case 'PointsExpired':
      return event.data.lotId;
    case 'RefundRecorded':
    case 'PointsClawedBack':
      return event.data.refundEventId;
    case 'PointsAdjusted':
      return event.data.causeId;
    case 'PointsRedeemed':
      return event.data.idempotencyKey;
    case 'LoyaltyAccountMerged':
      return event.data.into;
    case 'LoyaltyAccountAbsorbed':
      return event.data.from;
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
