import type { ConsentStatus } from '@cdp/events';
import type { MoneyByCurrency } from '@cdp/money';

/**
 * The unified customer profile, the "360° view": one document per customer, folded from every
 * touchpoint attributed to it and every identifier linked to it (see `evolveProfile`).
 *
 * It is plain JSON: times are ISO 8601 UTC instants with milliseconds ("2026-11-20T10:15:00.000Z"),
 * dates are "YYYY-MM-DD", money is exact decimal strings by ISO 4217 currency. Every map has its
 * keys in sorted order and every list is sorted, so the same content always serialises to the same
 * JSON. Apart from `version`, the content depends only on WHICH events were applied, never on their
 * order: each field is combined by a rule that is commutative and associative (latest by occurredAt
 * then event id, min, max, sum, set union). Merging two profiles uses the same rules.
 */
export interface CustomerProfile {
  readonly customerId: string;
  /** The customer this one was merged into; its profile is then empty, and only redirects. */
  readonly mergedInto: string | null;
  /** Customers merged into this one, transitively, sorted. */
  readonly mergedFrom: readonly string[];
  /** Identifier values linked to the customer by the identity rules, by type; each list sorted, without repeats. */
  readonly identifiers: ProfileIdentifiers;
  /** From the envelope's `traits`: the latest value of each, by occurredAt then event id. */
  readonly traits: Readonly<Record<string, TraitValue>>;
  /**
   * From `profile_update` `payload.preferences` ("sauce": "no spicy sauce"); latest wins, as for
   * traits. Withdrawals are kept (see `StoredPreference`); `visibleProfile` leaves them out.
   */
  readonly preferences: Readonly<Record<string, StoredPreference>>;
  /** From `profile_update` `payload.importantDates` (birthday, anniversary, passportExpiry, ...); latest wins, withdrawals kept. */
  readonly importantDates: Readonly<Record<string, StoredImportantDate>>;
  /** Marketing permission by channel, from the envelope's `consent` and `profile_update` `payload.consent`; latest wins. */
  readonly consent: Readonly<Record<string, ConsentEntry>>;
  /** The earliest occurredAt of its touchpoints (and of the CustomerCreated that founded it); null before any. */
  readonly firstSeenAt: string | null;
  /** The latest occurredAt of its touchpoints; null before any. */
  readonly lastSeenAt: string | null;
  readonly activity: Activity;
  readonly orders: OrderSummary;
  readonly complaints: ComplaintSummary;
  /** How many touchpoints were applied, of any type. */
  readonly touchpoints: number;
  /**
   * How many events were applied to it, plus those of the profiles merged into it and one per merge
   * (see `mergeProfiles`): it grows with every change, for the change feed. The one field that
   * depends on how the events were applied.
   */
  readonly version: number;
}

/** The identifier types every profile lists, in this order; types registered later follow, sorted. */
export const PROFILE_IDENTIFIER_TYPES = ['customerId', 'email', 'phone', 'loyaltyCard', 'socialHandle', 'deviceId'] as const;

/** Identifier values by type; types registered after this code was written appear as further keys. */
export interface ProfileIdentifiers extends Readonly<Record<string, readonly string[]>> {
  readonly customerId: readonly string[];
  readonly email: readonly string[];
  readonly phone: readonly string[];
  readonly loyaltyCard: readonly string[];
  readonly socialHandle: readonly string[];
  readonly deviceId: readonly string[];
}

/** The touchpoint a fact came from: what decides which fact is the latest, and where it was learnt. */
export interface Provenance {
  /** The touchpoint's occurredAt. */
  readonly occurredAt: string;
  readonly eventId: string;
  /** The touchpoint's source, e.g. club-signup. */
  readonly source: string;
}

export interface TraitValue extends Provenance {
  readonly value: string;
}

export interface Preference extends Provenance {
  readonly value: string;
}

export interface ImportantDate extends Provenance {
  /** "YYYY-MM-DD". */
  readonly date: string;
}

/**
 * A preference as the profile keeps it: `value` null is the customer's withdrawal of the key (a
 * `null` in `payload.preferences`). The withdrawal is kept, with its provenance, so that a value
 * told earlier but arriving later does not bring the key back: the latest of the two wins, in any
 * arrival order.
 */
export interface StoredPreference extends Provenance {
  readonly value: string | null;
}

/** An important date as the profile keeps it: `date` null is its withdrawal, kept as for preferences. */
export interface StoredImportantDate extends Provenance {
  readonly date: string | null;
}

export interface ConsentEntry extends Provenance {
  readonly status: ConsentStatus;
}

export interface ActivityCount {
  readonly count: number;
  /** The latest occurredAt counted. */
  readonly lastAt: string;
}

export interface Activity {
  /** By touchpoint type, every type counted, including types registered after this code was written. */
  readonly byType: Readonly<Record<string, ActivityCount>>;
  /** By the channel the runtime read from the type's manifest; touchpoints without one are not counted here. */
  readonly byChannel: Readonly<Record<string, ActivityCount>>;
}

export interface OrderSummary {
  /** Purchases, in every currency. */
  readonly count: number;
  /** Purchases by currency: what `averageOrderValue` divides by. */
  readonly countByCurrency: Readonly<Record<string, number>>;
  /** The sum of the purchase amounts. */
  readonly grossSpend: MoneyByCurrency;
  /** The sum of the refund amounts. */
  readonly refunded: MoneyByCurrency;
  /** grossSpend − refunded, over the currencies of both; negative when more was refunded than bought. */
  readonly netSpend: MoneyByCurrency;
  /**
   * grossSpend / purchases in that currency, rounded half-up to 2 decimals, or to the scale of the
   * currency's gross spend when that is larger ("12.125" spent once: "12.125").
   */
  readonly averageOrderValue: MoneyByCurrency;
  /** The latest occurredAt of a purchase; null before any. */
  readonly lastPurchaseAt: string | null;
}

/**
 * Calls with outcome "complaint", and whether they were resolved: a complaint is open unless a call
 * with outcome "resolved" occurred at or after it (by occurredAt, whatever order they arrived in).
 */
export interface ComplaintSummary {
  /** Open complaints: the length of `openAt`. */
  readonly open: number;
  /** The latest occurredAt of a resolved call; null before any. */
  readonly lastResolvedAt: string | null;
  /**
   * The occurredAt of each complaint after `lastResolvedAt`, ascending, repeats kept. Complaints at
   * or before it are closed for good (a later resolution only moves it later), so they are dropped.
   */
  readonly openAt: readonly string[];
}

/** Everything but the bookkeeping: what touchpoints and linked identifiers tell about the customer. */
export type ProfileContent = Omit<CustomerProfile, 'customerId' | 'mergedInto' | 'mergedFrom' | 'version'>;

export function emptyIdentifiers(): ProfileIdentifiers {
  return { customerId: [], email: [], phone: [], loyaltyCard: [], socialHandle: [], deviceId: [] };
}

export function emptyContent(): ProfileContent {
  return {
    identifiers: emptyIdentifiers(),
    traits: {},
    preferences: {},
    importantDates: {},
    consent: {},
    firstSeenAt: null,
    lastSeenAt: null,
    activity: { byType: {}, byChannel: {} },
    orders: { count: 0, countByCurrency: {}, grossSpend: {}, refunded: {}, netSpend: {}, averageOrderValue: {}, lastPurchaseAt: null },
    complaints: { open: 0, lastResolvedAt: null, openAt: [] },
    touchpoints: 0,
  };
}

/** The profile of a customer nothing is known about yet: what `evolveProfile` starts from. */
export function emptyProfile(customerId: string): CustomerProfile {
  return { customerId, mergedInto: null, mergedFrom: [], ...emptyContent(), version: 0 };
}
