import type { ConsentStatus, Identifiers, Touchpoint } from '@cdp/events';
import type { FeedLoyaltySummary } from '@cdp/feed';
import type { LoyaltyBalance, Redemption } from '@cdp/loyalty';
import type { VisibleProfile } from '@cdp/profile';
import type { RfmWindowDays } from '@cdp/rfm';

/** A touchpoint as a source posts it; validated against the latest Avro schema of its `type`. */
export interface TouchpointInput {
  /** A UUID that makes retries safe: an id the platform accepted before is a no-op. The platform makes one when absent. */
  readonly eventId?: string | undefined;
  /** purchase, refund, call, visit, social_mention, profile_update, or a type registered since. */
  readonly type: string;
  /** The system that reports it, e.g. pos-store-12. */
  readonly source: string;
  /** When it happened: an ISO 8601 instant with a zone. */
  readonly occurredAt: string;
  /** Who it was, as the source knows them; at least one. */
  readonly identifiers: Partial<Identifiers>;
  readonly traits?: Readonly<Record<string, string>> | null | undefined;
  readonly consent?: Readonly<Record<string, ConsentStatus>> | null | undefined;
  readonly attributes?: Readonly<Record<string, string>> | undefined;
  /** The fields of the type's schema; send money as decimal strings ("12.50"). */
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface AcceptedTouchpoint {
  readonly eventId: string;
  /** Where the touchpoint log holds it. */
  readonly position: string;
  /** True when the platform had accepted this event id before: nothing new was appended. */
  readonly duplicate: boolean;
}

/** `GET /v1/customers/{id}`: the unified profile with its loyalty summary. */
export type CustomerView = VisibleProfile & {
  readonly loyalty: FeedLoyaltySummary;
  /** Present when the id asked for was merged into another customer: the profile is then the survivor's, which `mergedInto` names. */
  readonly requestedId?: string | undefined;
};

/** `GET /v1/customers/{id}/loyalty`: the balance of the customer (or of its survivor) now. */
export type CustomerLoyalty = LoyaltyBalance & {
  readonly customerId: string;
  /** The loyalty program's currency: the one of `tier.qualifyingSpend`. */
  readonly currency: string;
};

export interface LoyaltyLedgerEntry {
  readonly eventId: string;
  readonly type: string;
  /** The change to the balance, signed. */
  readonly points: number;
  /** The touchpoint, refund, idempotency key or account behind it. */
  readonly cause: string;
  /** The account stream that holds the event (a merged account's, for its history). */
  readonly streamId: string;
  readonly streamPosition: number;
  readonly recordedAt: string;
  readonly data: unknown;
}

/** `GET /v1/customers/{id}/loyalty/ledger`: every change to the balance, newest first. */
export interface LoyaltyLedger {
  readonly customerId: string;
  readonly entries: readonly LoyaltyLedgerEntry[];
  /** The following (older) page's cursor, to pass as `before`; null on the last page. */
  readonly next: string | null;
}

/** `GET /v1/customers/{id}/timeline`: the customer's touchpoints, newest first, merged customers' included. */
export interface Timeline {
  /** The survivor, for a merged id. */
  readonly customerId: string;
  readonly touchpoints: readonly Touchpoint[];
  /** The following (older) page's cursor, to pass as `before`; null on the last page. */
  readonly next: string | null;
}

/** A page of a list: at most `limit` items (1 to 1,000), after the page whose `next` is `before`. */
export interface PageRequest {
  readonly limit?: number | undefined;
  readonly before?: string | undefined;
}

export interface RedeemPointsRequest {
  /** A whole number of points, more than 0. */
  readonly points: number;
  /** Sending the same key again answers the first redemption and spends nothing. */
  readonly idempotencyKey: string;
  readonly reason?: string | undefined;
}

/** The redemption made (or made before with the same idempotency key): the lots it consumed, oldest first. */
export type RedemptionResult = Omit<Redemption, 'owner' | 'madeFor'> & {
  readonly customerId: string;
  /** What the account can spend once the answer was given, this redemption taken. */
  readonly available: number;
};

/** `GET /v1/customers/{id}/rfm`: the customer's scores as of the latest RFM run. */
export interface CustomerRfm {
  readonly customerId: string;
  readonly recencyDays: number;
  readonly frequency: number;
  /** Net spend in the run's currency, a decimal string. */
  readonly monetary: string;
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly segment: string;
  readonly asOf: string;
  readonly windowDays: RfmWindowDays;
  readonly runId: string;
}

export interface RfmRun {
  readonly runId: string;
  readonly asOf: string;
  readonly windowDays: RfmWindowDays;
  readonly currency: string;
  /** How many customers it scored. */
  readonly customers: number;
  readonly requestedAt: string;
  readonly finishedAt: string;
  /**
   * Whether its scores became the current ones; false for a what-if, a run as of an instant before
   * the current scores', which changes no customer's segment and brings its own `segments`.
   */
  readonly current: boolean;
  /** A what-if's customers per segment. */
  readonly segments?: Readonly<Record<string, number>> | undefined;
}

/** `GET /v1/segments/rfm`: the latest run that became current, and its customers per segment. */
export interface RfmSegments {
  readonly runId: string;
  readonly asOf: string;
  readonly windowDays: RfmWindowDays;
  readonly currency: string;
  readonly customers: number;
  readonly segments: Readonly<Record<string, number>>;
}

export interface RunRfmRequest {
  /** An ISO 8601 instant with a zone; default now. */
  readonly asOf?: string | undefined;
  /** Default 365. */
  readonly windowDays?: RfmWindowDays | undefined;
}
