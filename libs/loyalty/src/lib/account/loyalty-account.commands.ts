import type { LoyaltyAccountState } from './loyalty-account.state';

/** What a touchpoint brings to the account; only the fields the rules read. */
export interface EarningTouchpoint {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A touchpoint attributed to the customer: a purchase or refund, or a type with a bonus. */
export interface RecordTouchpoint {
  readonly type: 'RecordTouchpoint';
  readonly data: { readonly customerId: string; readonly touchpoint: EarningTouchpoint };
}

export interface RedeemPoints {
  readonly type: 'RedeemPoints';
  readonly data: {
    readonly customerId: string;
    readonly redemptionId: string;
    readonly idempotencyKey: string;
    readonly points: number;
    readonly reason: string;
    /** The clock's now: lots expired by then are expired first and are not spent. */
    readonly requestedAt: string;
    /** The customer the request named, when it was merged into `customerId` since: its keys are looked up as its own. */
    readonly requestedFor?: string;
  };
}

/** Expires the remainder of every lot whose expiresAt is at or before `now`. */
export interface ExpirePoints {
  readonly type: 'ExpirePoints';
  readonly data: { readonly customerId: string; readonly now: string };
}

/** Closes this account (customerId) because its customer was merged into `into`. */
export interface MergeAccountInto {
  readonly type: 'MergeAccountInto';
  readonly data: { readonly customerId: string; readonly into: string };
}

/** Takes in the account of `from`, closed by its `LoyaltyAccountMerged` whose snapshot is `account`. */
export interface AbsorbAccount {
  readonly type: 'AbsorbAccount';
  readonly data: { readonly customerId: string; readonly from: string; readonly account: LoyaltyAccountState };
}

export type LoyaltyAccountCommand = RecordTouchpoint | RedeemPoints | ExpirePoints | MergeAccountInto | AbsorbAccount;
