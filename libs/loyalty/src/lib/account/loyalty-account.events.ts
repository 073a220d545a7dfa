import type { ConsumedLot, LoyaltyAccountState } from './loyalty-account.state';

/*
 * The events of a loyalty account, on its stream "loyalty-<customerId>". Points are whole numbers
 * (safe integers); amounts are decimal strings in the program currency; instants are canonical UTC
 * ISO strings with milliseconds. Each event carries what an auditor needs to check it by hand.
 */

/** A touchpoint earned a lot of points. A purchase's lot is also the order the refunds refer to. */
export interface PointsEarned {
  readonly type: 'PointsEarned';
  readonly data: {
    readonly customerId: string;
    /** The touchpoint's event id; it names the lot. */
    readonly lotId: string;
    readonly touchpointType: string;
    /** Purchases only: the order, its amount, the tier it was made in and that tier's multiplier. */
    readonly orderId: string | null;
    readonly amount: string | null;
    readonly tier: string | null;
    readonly multiplier: string | null;
    /** The spend in the tier window before `earnedAt` that chose the tier (purchases only). */
    readonly qualifyingSpend: string | null;
    readonly points: number;
    /** The touchpoint's occurredAt. */
    readonly earnedAt: string;
    readonly expiresAt: string;
  };
}

/**
 * A refund of an order was recorded. It claws back points in a `PointsClawedBack` when its order
 * is known, or later, when the order's purchase arrives.
 */
export interface RefundRecorded {
  readonly type: 'RefundRecorded';
  readonly data: {
    readonly customerId: string;
    readonly refundEventId: string;
    readonly orderId: string;
    readonly amount: string;
    readonly occurredAt: string;
  };
}

/** Points an order earned, taken back because (part of) it was refunded. */
export interface PointsClawedBack {
  readonly type: 'PointsClawedBack';
  readonly data: {
    readonly customerId: string;
    /** The lot of the refunded order's purchase. */
    readonly lotId: string;
    readonly orderId: string;
    /** The refund that caused it. */
    readonly refundEventId: string;
    /**
     * Negative only when the order's claw-back target fell after a late touchpoint: its lot's points
     * were adjusted down, or an earlier purchase of the same order took its refunds over. The
     * points then go back to the lot.
     */
    readonly points: number;
  };
}

/**
 * A purchase lot's points were corrected because its tier changed: a purchase or refund that
 * arrived late, or a merge, changed the qualifying spend before it. `points` may be negative.
 */
export interface PointsAdjusted {
  readonly type: 'PointsAdjusted';
  readonly data: {
    readonly customerId: string;
    readonly lotId: string;
    readonly points: number;
    readonly tier: string;
    readonly multiplier: string;
    readonly qualifyingSpend: string;
    /** The touchpoint (or absorbed account) whose arrival changed the tier. */
    readonly causeId: string;
  };
}

/** Points spent, first-in-first-out from the lots by earn time. */
export interface PointsRedeemed {
  readonly type: 'PointsRedeemed';
  readonly data: {
    readonly customerId: string;
    readonly redemptionId: string;
    readonly idempotencyKey: string;
    readonly points: number;
    readonly reason: string;
    readonly lots: readonly ConsumedLot[];
    readonly redeemedAt: string;
    /** The customer the request named, when it was merged into this account: the key is theirs. */
    readonly requestedFor?: string;
  };
}

/** What was left of a lot when it expired. */
export interface PointsExpired {
  readonly type: 'PointsExpired';
  readonly data: {
    readonly customerId: string;
    readonly lotId: string;
    readonly points: number;
    /** The lot's expiresAt. */
    readonly expiredAt: string;
  };
}

/** The account was merged into `into`'s: it is closed, and `account` is what moved. */
export interface LoyaltyAccountMerged {
  readonly type: 'LoyaltyAccountMerged';
  readonly data: {
    readonly customerId: string;
    readonly into: string;
    readonly account: LoyaltyAccountSnapshot;
  };
}

/** The account of `from` joined this one, lots, orders, refunds, redemptions and totals included. */
export interface LoyaltyAccountAbsorbed {
  readonly type: 'LoyaltyAccountAbsorbed';
  readonly data: {
    readonly customerId: string;
    readonly from: string;
    readonly account: LoyaltyAccountSnapshot;
  };
}

/** An account's state as plain JSON, as it travels in a merge. */
export type LoyaltyAccountSnapshot = LoyaltyAccountState;

export type LoyaltyAccountEvent =
  | PointsEarned
  | RefundRecorded
  | PointsClawedBack
  | PointsAdjusted
  | PointsRedeemed
  | PointsExpired
  | LoyaltyAccountMerged
  | LoyaltyAccountAbsorbed;

export const LOYALTY_ACCOUNT_EVENT_TYPES: readonly LoyaltyAccountEvent['type'][] = [
  'PointsEarned',
  'RefundRecorded',
  'PointsClawedBack',
  'PointsAdjusted',
  'PointsRedeemed',
  'PointsExpired',
  'LoyaltyAccountMerged',
  'LoyaltyAccountAbsorbed',
];
