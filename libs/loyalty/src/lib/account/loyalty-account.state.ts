/**
 * A loyalty account, folded from its events. Plain JSON (no Map, no bigint), so read models store
 * it and merges carry it as it is.
 */
export interface LoyaltyAccountState {
  readonly customerId: string;
  /** Set once the account was merged into another; a closed account decides nothing more. */
  readonly mergedInto: string | null;
  /** Every lot ever earned, sorted by (earnedAt, lotId): the FIFO order. */
  readonly lots: readonly LoyaltyLot[];
  /** Every refund recorded, sorted by (occurredAt, refundEventId). */
  readonly refunds: readonly RecordedRefund[];
  /** Points owed: negative changes larger than what their lot had left. New points pay it first. */
  readonly debt: number;
  /** Redemptions by idempotency key; a key another customer's redemption holds here is kept as `${owner}:${key}`. */
  readonly redemptions: Readonly<Record<string, Redemption>>;
  /** Accounts merged into this one (directly or through them). */
  readonly absorbed: readonly string[];
  readonly lifetime: LoyaltyLifetime;
}

export interface LoyaltyLot {
  readonly lotId: string;
  readonly touchpointType: string;
  readonly orderId: string | null;
  readonly amount: string | null;
  readonly tier: string | null;
  readonly multiplier: string | null;
  readonly earnedAt: string;
  readonly expiresAt: string;
  /** Earned plus adjustments. */
  readonly earned: number;
  /** Taken back by refunds of this lot's order. */
  readonly clawedBack: number;
  /** What is left to spend; 0 once expired. */
  readonly remaining: number;
  /**
   * Of its points, those the expiry took (PointsExpired); left out by lots folded before
   * 2026-12-06, read as 0. A later claw-back or negative adjustment takes these back before it
   * makes debt: points that expired unspent cannot be lost a second time.
   */
  readonly expired?: number;
}

export interface RecordedRefund {
  readonly refundEventId: string;
  readonly orderId: string;
  readonly amount: string;
  readonly occurredAt: string;
}

export interface Redemption {
  readonly redemptionId: string;
  /** The customer whose key it is, when not this account's own: one merged into it, at whose id it was asked or whose account it came in. */
  readonly owner?: string;
  readonly idempotencyKey: string;
  readonly points: number;
  readonly reason: string;
  readonly lots: readonly ConsumedLot[];
  readonly redeemedAt: string;
  /**
   * The ids that were this customer when it was made (the account's own and those it had absorbed):
   * its key answers at each of them, through later merges too. Absent on those folded before 2026-12-07.
   */
  readonly madeFor?: readonly string[];
}

/** Totals since the account opened; available = earned − clawedBack − redeemed − expired. */
export interface LoyaltyLifetime {
  /** PointsEarned plus PointsAdjusted (which may be negative). */
  readonly earned: number;
  readonly clawedBack: number;
  readonly redeemed: number;
  readonly expired: number;
}

/**
 * The redemption of a key asked for `requestedFor`: the customer the request named, the account's own
 * by default. Keys are per customer and stay so through merges: a redemption answers to the id it
 * was asked at, and to every id that was the same customer then (`madeFor`), so a retry sent to
 * another of them spends nothing more. It does not answer to a customer merged in after it was
 * made: two customers may have used one key before they were known to be one.
 */
export function redemptionOf(state: LoyaltyAccountState, idempotencyKey: string, requestedFor: string = state.customerId): Redemption | undefined {
  const withKey = Object.values(state.redemptions).filter((r) => r.idempotencyKey === idempotencyKey);
  return withKey.find((r) => (r.owner ?? state.customerId) === requestedFor) ?? withKey.find((r) => r.madeFor?.includes(requestedFor));
}

export function initialLoyaltyAccount(customerId: string): LoyaltyAccountState {
  return { customerId, mergedInto: null, lots: [], refunds: [], debt: 0, redemptions: {}, absorbed: [], lifetime: { earned: 0, clawedBack: 0, redeemed: 0, expired: 0 } };
}

/** What a redemption took from one lot. */
export interface ConsumedLot {
  readonly lotId: string;
  readonly points: number;
}
