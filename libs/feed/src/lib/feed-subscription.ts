import { CUSTOMER_CHANGE_TYPES, type CustomerChange, type CustomerChangeType } from './customer-feed.contract';

/** What a subscriber asked for: which changes, and where to start. */
export interface FeedSubscription {
  /** Only these types; every type when absent. */
  readonly types: readonly CustomerChangeType[] | null;
  /** Only changes of customers in this RFM segment after the change, and those that take one out of it (see isWanted). */
  readonly segment: string | null;
  /**
   * After this position of the feed's log (with the check of the change an event id names there,
   * see feedEventId), from the beginning, or from the changes still to come.
   */
  readonly from: { readonly after: string; readonly check?: string } | 'start' | 'now';
}

export interface FeedSubscriptionProblem {
  readonly field: string;
  readonly value: string;
  readonly message: string;
}

export class InvalidFeedSubscriptionError extends Error {
  readonly code = 'FEED.INVALID_SUBSCRIPTION';

  constructor(readonly details: readonly FeedSubscriptionProblem[]) {
    super(`the subscription is not valid: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`);
    this.name = 'InvalidFeedSubscriptionError';
  }
}

/**
 * A change's event id over SSE: its position in the feed's log, "<transaction>:<position>", and a
 * check of which change it is there (the first 8 hex digits of the change's own id), so that a
 * position reused by another change (the data restored from an earlier copy) is not taken for the
 * one a subscriber handled. A position alone (`event: position`, or an id from before 2026-12-07)
 * is taken as it is.
 */
export function feedEventId(position: string, changeEventId: string): string {
  return `${position}:${changeCheck(changeEventId)}`;
}

export function changeCheck(changeEventId: string): string {
  return changeEventId.replace(/-/g, '').slice(0, 8).toLowerCase();
}

const EVENT_ID = /^(\d{1,19}:\d{1,19})(?::([0-9a-fA-F]{8}))?$/;

/** The largest position part: Postgres's bigint, which the feed's log counts in. */
const MAX_POSITION_PART = 2n ** 63n - 1n;

/** "<transaction>:<position>[:<check>]" with both numbers within the log's range; the check in any case. */
function parseEventId(text: string): { after: string; check?: string } | undefined {
  const [, after, check] = EVENT_ID.exec(text) ?? [];
  if (after === undefined || after.split(':').some((part) => BigInt(part) > MAX_POSITION_PART)) return undefined;
  return check === undefined ? { after } : { after, check: check.toLowerCase() };
}

const SUBSCRIPTION_PARAMETERS = ['types', 'segment', 'from', 'lastEventId'];

/**
 * Reads a subscription from the request's query (`types`, `segment`, `from`, `lastEventId`) and its
 * Last-Event-ID header, which wins over `from`. Every problem is reported, by field. `segments` are
 * the RFM segments customers can be in (the configured grid's names): a segment among none of them
 * would be a subscription that never hears anything.
 */
export function parseFeedSubscription(query: Readonly<Record<string, unknown>>, lastEventIdHeader: string | undefined, segments: readonly string[]): FeedSubscription {
  const problems: FeedSubscriptionProblem[] = [];
  const text = (field: string): string | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    problems.push({ field, value: String(value), message: 'give it once' });
    return undefined;
  };

  for (const field of Object.keys(query).filter((key) => !SUBSCRIPTION_PARAMETERS.includes(key))) {
    problems.push({ field, value: String(query[field]), message: `is not a parameter of the feed; its parameters are ${SUBSCRIPTION_PARAMETERS.join(', ')}` });
  }
  const typesText = text('types');
  const types = typesText === undefined ? null : typesText.split(',').map((t) => t.trim()).filter(Boolean);
  for (const type of types ?? []) {
    if (!(CUSTOMER_CHANGE_TYPES as readonly string[]).includes(type)) problems.push({ field: 'types', value: type, message: `unknown change type; use ${CUSTOMER_CHANGE_TYPES.join(', ')}` });
  }
  if (types !== null && types.length === 0) problems.push({ field: 'types', value: typesText!, message: 'name at least one change type, or leave types out for all' });

  const segment = text('segment') ?? null;
  if (segment !== null && !segments.includes(segment)) problems.push({ field: 'segment', value: segment, message: `unknown RFM segment; the segments are ${segments.join(', ')}` });

  const lastEventId = lastEventIdHeader ?? text('lastEventId');
  const fromText = text('from');
  if (fromText !== undefined && fromText !== 'start' && fromText !== 'now') problems.push({ field: 'from', value: fromText, message: 'use start or now (or resume with Last-Event-ID)' });
  const resumeAfter = lastEventId === undefined ? undefined : parseEventId(lastEventId);
  if (lastEventId !== undefined && resumeAfter === undefined) {
    problems.push({ field: 'Last-Event-ID', value: lastEventId, message: 'not an event id of this feed: give the id of the last event you handled' });
  }
  if (problems.length > 0) throw new InvalidFeedSubscriptionError(problems);

  return {
    types: types as CustomerChangeType[] | null,
    segment,
    from: resumeAfter ?? ((fromText ?? 'now') as 'start' | 'now'),
  };
}

/**
 * A segment's subscriber keeps an audience: it gets the changes of customers in the segment, and
 * those that take one out of it (a move to another segment, a merge, an erasure), or it would keep
 * every customer that was ever in it.
 */
export function isWanted(subscription: Pick<FeedSubscription, 'types' | 'segment'>, change: CustomerChange): boolean {
  if (subscription.types !== null && !subscription.types.includes(change.type)) return false;
  const { segment } = subscription;
  if (segment === null || change.state?.rfm?.segment === segment) return true;
  return change.segment?.from === segment || change.type === 'CustomerMerged' || change.type === 'CustomerForgotten';
}
