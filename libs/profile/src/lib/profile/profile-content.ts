import { amountIn, divideDecimal, scaleOfDecimal, subtractMoney, sumMoney } from '@cdp/money';
import {
  PROFILE_IDENTIFIER_TYPES,
  type ActivityCount,
  type ComplaintSummary,
  type ConsentEntry,
  type OrderSummary,
  type ProfileContent,
  type ProfileIdentifiers,
  type Provenance,
} from './customer-profile';
import { compareInstants, earliest, latest } from './instants';

/*
 * How two bodies of knowledge about a customer combine: what one more touchpoint adds to a profile
 * (`evolveProfile` joins the profile with what the touchpoint tells), and what a merge does
 * (`mergeProfiles` joins two profiles). Every rule here is commutative and associative, so a
 * profile is the same for any order and grouping of the same touchpoints:
 *
 * - facts with provenance (traits, preferences, important dates, consent): the latest by
 *   occurredAt, then event id, per key; consent given and withdrawn at one instant is withdrawn;
 * - first seen: the earliest; last seen, last purchase, last resolution, `lastAt`: the latest;
 * - counts and money: sums (exact decimals, per currency);
 * - identifiers: set union;
 * - open complaints: those after the latest resolution;
 * - net spend and average order value: computed from the sums, never folded themselves.
 */
export function joinContent(a: ProfileContent, b: ProfileContent): ProfileContent {
  return {
    identifiers: joinIdentifiers(a.identifiers, b.identifiers),
    traits: joinRecords(a.traits, b.traits, newer),
    preferences: joinRecords(a.preferences, b.preferences, newer),
    importantDates: joinRecords(a.importantDates, b.importantDates, newer),
    consent: joinRecords(a.consent, b.consent, newerConsent),
    firstSeenAt: earliest(a.firstSeenAt, b.firstSeenAt),
    lastSeenAt: latest(a.lastSeenAt, b.lastSeenAt),
    activity: {
      byType: joinRecords(a.activity.byType, b.activity.byType, addCounts),
      byChannel: joinRecords(a.activity.byChannel, b.activity.byChannel, addCounts),
    },
    orders: joinOrders(a.orders, b.orders),
    complaints: joinComplaints(a.complaints, b.complaints),
    touchpoints: a.touchpoints + b.touchpoints,
  };
}

// A side that adds nothing (most touchpoints carry no orders, complaints, traits...) leaves the
// other as it is: joining with the empty content is the identity, and skipping it spares the fold
// most of its allocations.

function joinOrders(a: OrderSummary, b: OrderSummary): OrderSummary {
  if (isEmptyOrders(b)) return a;
  if (isEmptyOrders(a)) return b;
  return orderSummary({
    count: a.count + b.count,
    countByCurrency: joinRecords(a.countByCurrency, b.countByCurrency, (x, y) => x + y),
    grossSpend: sumMoney(a.grossSpend, b.grossSpend),
    refunded: sumMoney(a.refunded, b.refunded),
    lastPurchaseAt: latest(a.lastPurchaseAt, b.lastPurchaseAt),
  });
}

function isEmptyOrders(orders: OrderSummary): boolean {
  return orders.count === 0 && orders.lastPurchaseAt === null && isEmptyRecord(orders.refunded) && isEmptyRecord(orders.countByCurrency);
}

function joinComplaints(a: ComplaintSummary, b: ComplaintSummary): ComplaintSummary {
  if (b.lastResolvedAt === null && b.openAt.length === 0) return a;
  if (a.lastResolvedAt === null && a.openAt.length === 0) return b;
  return complaintSummary(latest(a.lastResolvedAt, b.lastResolvedAt), [...a.openAt, ...b.openAt]);
}

function isEmptyRecord(record: object): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return false;
  return true;
}

/** The later of two facts: by occurredAt, then event id; two facts of one event, by content, so the choice never depends on order. */
export function newer<T extends Provenance>(a: T, b: T): T {
  const order = compareInstants(a.occurredAt, b.occurredAt) || compareText(a.eventId, b.eventId) || compareText(JSON.stringify(a), JSON.stringify(b));
  return order >= 0 ? a : b;
}

/**
 * The later of two consents of a channel. Granted and denied at the same instant, by two touchpoints,
 * is denied: which one's event id sorts last says nothing about what the customer wants.
 */
function newerConsent(a: ConsentEntry, b: ConsentEntry): ConsentEntry {
  const denied = (entry: ConsentEntry) => (entry.status === 'denied' ? 1 : 0);
  const order = compareInstants(a.occurredAt, b.occurredAt) || denied(a) - denied(b);
  return order === 0 ? newer(a, b) : order > 0 ? a : b;
}

/** The minimum average order value scale: cents, whatever the currency. */
export const AVERAGE_ORDER_VALUE_MIN_SCALE = 2;

/** An order summary with its derived amounts: net spend, and the average order value per currency. */
export function orderSummary(sums: Omit<OrderSummary, 'netSpend' | 'averageOrderValue'>): OrderSummary {
  const averageOrderValue: Record<string, string> = {};
  for (const [currency, count] of Object.entries(sums.countByCurrency)) {
    if (count <= 0) continue;
    const gross = amountIn(sums.grossSpend, currency) ?? '0';
    averageOrderValue[currency] = divideDecimal(gross, count, Math.max(AVERAGE_ORDER_VALUE_MIN_SCALE, scaleOfDecimal(gross)));
  }
  return {
    count: sums.count,
    countByCurrency: sums.countByCurrency,
    grossSpend: sums.grossSpend,
    refunded: sums.refunded,
    netSpend: subtractMoney(sums.grossSpend, sums.refunded),
    averageOrderValue: sorted(averageOrderValue),
    lastPurchaseAt: sums.lastPurchaseAt,
  };
}

/** The complaints still open after the latest resolution, ascending. */
export function complaintSummary(lastResolvedAt: string | null, complaintsAt: readonly string[]): ComplaintSummary {
  const openAt = complaintsAt.filter((at) => lastResolvedAt === null || compareInstants(at, lastResolvedAt) > 0).sort(compareInstants);
  return { open: openAt.length, lastResolvedAt, openAt };
}

function addCounts(a: ActivityCount, b: ActivityCount): ActivityCount {
  return { count: a.count + b.count, lastAt: latest(a.lastAt, b.lastAt)! };
}

function joinIdentifiers(a: ProfileIdentifiers, b: ProfileIdentifiers): ProfileIdentifiers {
  if (hasNoIdentifiers(b)) return a;
  const known = new Set<string>(PROFILE_IDENTIFIER_TYPES);
  const later = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((type) => !known.has(type)).sort(compareText);
  const union = (type: string) => [...new Set([...(own(a, type) ?? []), ...(own(b, type) ?? [])])].sort(compareText);
  return Object.fromEntries([...PROFILE_IDENTIFIER_TYPES, ...later].map((type) => [type, union(type)])) as unknown as ProfileIdentifiers;
}

function hasNoIdentifiers(identifiers: ProfileIdentifiers): boolean {
  for (const type in identifiers) if (Object.hasOwn(identifiers, type) && identifiers[type].length > 0) return false;
  return true;
}

/** Both records' keys, sorted; a key in both holds `join` of its two values. */
export function joinRecords<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>, join: (x: T, y: T) => T): Readonly<Record<string, T>> {
  if (isEmptyRecord(b)) return inKeyOrder(a);
  if (isEmptyRecord(a)) return inKeyOrder(b);
  if (Object.keys(b).every((key) => Object.hasOwn(a, key))) {
    return inKeyOrder(Object.fromEntries(Object.entries(a).map(([key, x]) => [key, Object.hasOwn(b, key) ? join(x, b[key]) : x])));
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareText);
  return Object.fromEntries(
    keys.map((key) => {
      const x = own(a, key);
      const y = own(b, key);
      return [key, x === undefined ? y! : y === undefined ? x : join(x, y)];
    }),
  );
}

/** A record of one key; a key such as "__proto__" or "constructor" is an ordinary key here. */
export function single<T>(key: string, value: T): Readonly<Record<string, T>> {
  return Object.fromEntries([[key, value]]);
}

/** The value a record holds itself under `key`, never an inherited one ("constructor", "toString"). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The record itself when its keys are already in order (the usual case), else a sorted copy. */
function inKeyOrder<T>(record: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) if (compareText(keys[i - 1], keys[i]) > 0) return sorted(record);
  return record;
}

function sorted<T>(record: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.fromEntries(Object.entries(record).sort(([x], [y]) => compareText(x, y)));
}

/** Code-unit order: the same on every host and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
