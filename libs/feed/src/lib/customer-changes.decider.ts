import type { CustomerChange, CustomerChangeType, FeedLoyaltySummary, FeedRfmStanding } from './customer-feed.contract';
import type { VisibleProfile } from '@cdp/profile';

/**
 * What the feed knows of a customer now, read from the read models: a live customer, a merged one
 * (only `mergedInto`), or null for a customer that no read model holds (never seen, or erased).
 */
export type CustomerFeedView =
  | { readonly mergedInto: null; readonly profile: VisibleProfile; readonly loyalty: FeedLoyaltySummary; readonly rfm: FeedRfmStanding | null }
  | { readonly mergedInto: string; readonly profile: null; readonly loyalty: null; readonly rfm: null };

/** What the feed last published for a customer: its version, and the view then (null once erased). */
export interface PublishedCustomer {
  readonly version: number;
  readonly view: CustomerFeedView | null;
}

/** A change before it is given its event id (which the store derives from customer and version). */
export type DecidedChange = Omit<CustomerChange, 'eventId'>;

/** The keyed maps of a profile: a change inside them is reported per key ("traits.firstName"). */
const KEYED_FIELDS: ReadonlySet<string> = new Set(['identifiers', 'traits', 'preferences', 'importantDates', 'consent']);

/**
 * The typed changes that take a customer from what was last published to what the read models hold
 * now, numbered from the published version on. Nothing when nothing changed: deciding again on the
 * same view gives no event, so the feed can re-check a customer as often as it likes.
 */
export function decideCustomerChanges(customerId: string, published: PublishedCustomer | null, now: CustomerFeedView | null, changedAt: string): DecidedChange[] {
  const before = published?.view ?? null;
  const types = changeTypes(before, now);
  const first = (published?.version ?? 0) + 1;
  return types.map(({ type, changedFields }, index) => {
    const version = first + index;
    return {
      type,
      customerId,
      version,
      changedAt,
      changedFields,
      mergedInto: type === 'CustomerMerged' ? now!.mergedInto : null,
      // A ProfileChanged that lists the segment or the tier says where they moved from too, so that
      // a segment's subscriber of ProfileChanged alone is told of a customer leaving it.
      segment: type === 'CustomerSegmentChanged' || changedFields.includes('rfm.segment') ? { from: before?.rfm?.segment ?? null, to: now?.rfm?.segment ?? null } : null,
      tier: type === 'LoyaltyTierChanged' || changedFields.includes('loyalty.tier') ? { from: before?.loyalty?.tier ?? null, to: now?.loyalty?.tier ?? null } : null,
      state: now === null ? null : { customerId, version, changedAt, ...now },
    };
  });
}

function changeTypes(before: CustomerFeedView | null, now: CustomerFeedView | null): { type: CustomerChangeType; changedFields: string[] }[] {
  if (now === null) return before === null ? [] : [{ type: 'CustomerForgotten', changedFields: [] }];
  if (now.mergedInto !== null) return before?.mergedInto === now.mergedInto ? [] : [{ type: 'CustomerMerged', changedFields: [] }];
  const live = before?.mergedInto === null ? before : null;
  const changes: { type: CustomerChangeType; changedFields: string[] }[] = [];
  if (live === null) changes.push({ type: 'CustomerCreated', changedFields: [] });
  else {
    const changedFields = changedFieldsOf(live, now);
    // The segment and the tier have their own events: a change of theirs alone is no ProfileChanged, but one that comes with it is listed.
    const ownEvents = ['loyalty.tier', 'rfm.segment'];
    if (changedFields.some((field) => !ownEvents.includes(field)) || live.profile.version !== now.profile.version) changes.push({ type: 'ProfileChanged', changedFields });
  }
  if ((live?.rfm?.segment ?? null) !== (now.rfm?.segment ?? null) && (live !== null || now.rfm !== null)) {
    changes.push({ type: 'CustomerSegmentChanged', changedFields: [] });
  }
  if (live !== null && live.loyalty.tier !== now.loyalty.tier) changes.push({ type: 'LoyaltyTierChanged', changedFields: [] });
  return changes;
}

/**
 * The paths that differ, but for the profile's own counter of applied events, which moves with
 * every change. Only fields of the view are compared, each by its JSON with its objects' keys in
 * any order: a view stored as jsonb before 2026-12-05 keeps jsonb's order, and a fold writes
 * its own.
 */
function changedFieldsOf(before: Extract<CustomerFeedView, { mergedInto: null }>, now: Extract<CustomerFeedView, { mergedInto: null }>): string[] {
  const profileFields = differingKeys(before.profile, now.profile).filter((field) => field !== 'version').flatMap((field) =>
    KEYED_FIELDS.has(field) ? differingKeys(recordOf(before.profile, field), recordOf(now.profile, field)).map((key) => `${field}.${key}`) : [field],
  );
  const loyaltyFields = differingKeys(before.loyalty, now.loyalty).map((key) => `loyalty.${key}`);
  const rfmFields = differingKeys(before.rfm ?? {}, now.rfm ?? {}).map((key) => `rfm.${key}`);
  return [...profileFields, ...loyaltyFields, ...rfmFields];
}

function differingKeys(before: object, now: object): string[] {
  const a = before as Record<string, unknown>;
  const b = now as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => !sameJson(a[key], b[key]));
}

/** Whether two values are the same JSON, whatever order their objects' keys come in. */
function sameJson(a: unknown, b: unknown): boolean {
  // Most fields are written in the same order on both sides: a text compare tells them at once.
  return JSON.stringify(a) === JSON.stringify(b) || JSON.stringify(a, withSortedKeys) === JSON.stringify(b, withSortedKeys);
}

function withSortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

function recordOf(profile: VisibleProfile, field: string): object {
  return (profile as unknown as Record<string, object>)[field] ?? {};
}
