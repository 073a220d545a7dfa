import type { VisibleProfile } from '@cdp/profile';

/**
 * What downstream services receive: the public contract of the change feed. The Kafka topics carry
 * it as Avro (schemas/feed/), the SSE stream as JSON of the same shape.
 */

/** The topic of full current states: compacted, keyed by customer id. */
export const CUSTOMER_PROFILES_TOPIC = 'cdp.customer-profiles.v1';
/** The topic of typed change events, keyed by customer id. */
export const CUSTOMER_EVENTS_TOPIC = 'cdp.customer-events.v1';

/** The loyalty summary a profile carries, as `GET /v1/customers/{id}` shows it. */
export interface FeedLoyaltySummary {
  /** Points that can be spent now (negative while the account owes points). */
  readonly available: number;
  readonly tier: string;
}

/**
 * The customer's RFM scores and segment in the latest run; null before a run scored the customer.
 * The run's asOf is left out on purpose: it moves with every run, and would make every customer
 * change every hour (`GET /v1/customers/{id}/rfm` has it).
 */
export interface FeedRfmStanding {
  readonly segment: string;
  readonly r: number;
  readonly f: number;
  readonly m: number;
}

/**
 * The full current state of one customer at one version: the value of `cdp.customer-profiles.v1`.
 * A merged customer's state has `mergedInto` and no profile; an erased one has no state at all
 * (a tombstone on the topic).
 */
export interface CustomerFeedState {
  readonly customerId: string;
  /** The customer's feed version: 1 for the first change, then +1 for each change, without gaps. */
  readonly version: number;
  /** When the feed recorded the change, an ISO 8601 UTC instant. */
  readonly changedAt: string;
  /** The customer it was merged into; then profile, loyalty and rfm are null. */
  readonly mergedInto: string | null;
  /** The unified profile exactly as `GET /v1/customers/{id}` returns it, less its loyalty summary. */
  readonly profile: VisibleProfile | null;
  readonly loyalty: FeedLoyaltySummary | null;
  readonly rfm: FeedRfmStanding | null;
}

export const CUSTOMER_CHANGE_TYPES = [
  'CustomerCreated',
  'ProfileChanged',
  'CustomerMerged',
  'CustomerSegmentChanged',
  'LoyaltyTierChanged',
  'CustomerForgotten',
] as const;

export type CustomerChangeType = (typeof CUSTOMER_CHANGE_TYPES)[number];

/**
 * One typed change: the value of `cdp.customer-events.v1` and the data of an SSE event. One change
 * of a customer's state can give several events (a purchase that moves the tier gives ProfileChanged
 * then LoyaltyTierChanged), each with its own version; `state` is the state after the event.
 */
export interface CustomerChange {
  /** Unique per customer and version: a consumer that sees it twice drops the repeat. */
  readonly eventId: string;
  readonly type: CustomerChangeType;
  readonly customerId: string;
  readonly version: number;
  readonly changedAt: string;
  /** ProfileChanged: the fields that changed, as paths ("orders", "traits.firstName", "loyalty.available"); [] otherwise. */
  readonly changedFields: readonly string[];
  /** CustomerMerged: the survivor. */
  readonly mergedInto: string | null;
  /** CustomerSegmentChanged, and a ProfileChanged that lists `rfm.segment`: the RFM segment before and after (null when there was none); null otherwise. */
  readonly segment: { readonly from: string | null; readonly to: string | null } | null;
  /** LoyaltyTierChanged, and a ProfileChanged that lists `loyalty.tier`: the tier before and after; null otherwise. */
  readonly tier: { readonly from: string | null; readonly to: string | null } | null;
  /** The customer's state after this event; null for CustomerForgotten. */
  readonly state: CustomerFeedState | null;
}
