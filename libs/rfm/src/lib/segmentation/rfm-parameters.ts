import { EARLIEST_OCCURRED_AT, instantProblem, MS_PER_DAY, utcInstant } from '@cdp/events';
import { InvalidRfmParametersError } from './rfm.errors';

/** Days in the frequency and monetary window, ending at asOf; 'all' has no lower bound. */
export type RfmWindowDays = number | 'all';

export interface RfmParameters {
  /** The canonical UTC instant the RFM is computed at: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  readonly asOf: string;
  readonly windowDays: RfmWindowDays;
}

export const DEFAULT_RFM_WINDOW_DAYS = 365;
const CLOCK_SKEW_MS = 60_000;
export const MAX_RFM_WINDOW_DAYS = 36_500;

const INSTANT_EXAMPLE = 'an ISO-8601 instant with a zone, such as "2026-01-31T00:00:00Z" or "2026-01-31T03:30:00+03:30"';
const WINDOW_EXAMPLE = `a whole number of days from 1 to ${MAX_RFM_WINDOW_DAYS}, or "all"`;

/**
 * The parameters of an RFM run as asked for, checked and in canonical form. A missing (undefined or
 * null) asOf is `now`, which the caller reads from its clock; a missing (undefined) windowDays is 365.
 * windowDays may come as a number or, from a query string or a flag, as digits ("30").
 * asOf is refused before 1970, when no touchpoint can have occurred, and more than a minute after
 * now: a run as of a time to come would score every customer as lapsed. Up to a minute after now is
 * a caller's clock running a little ahead, and is taken as now: kept as asked, it would make every
 * run as of now in that minute a what-if (see runRfm).
 */
export function parseRfmParameters(input: { readonly asOf?: unknown; readonly windowDays?: unknown }, now: string): RfmParameters {
  const asOf = input.asOf ?? now;
  const field = input.asOf == null ? 'now' : 'asOf';
  const canonical = utcInstant(asOf);
  if (canonical === undefined) throw new InvalidRfmParametersError(field, `${field} ${instantProblem(asOf)}; got ${describe(asOf)}`);
  if (canonical < EARLIEST_OCCURRED_AT) throw new InvalidRfmParametersError(field, `${field} must be at or after ${EARLIEST_OCCURRED_AT}, before which no touchpoint is kept; got ${describe(asOf)}`);
  const nowCanonical = utcInstant(now) ?? canonical;
  if (Date.parse(canonical) > Date.parse(nowCanonical) + CLOCK_SKEW_MS) {
    throw new InvalidRfmParametersError(
      field,
      `${field} must not be more than a minute after now (${now}): a run as of a time to come would score every customer as lapsed; got ${describe(asOf)}`,
    );
  }
  return {
    asOf: canonical > nowCanonical ? nowCanonical : canonical,
    // null is refused, not taken as the default: an older API document said it meant every purchase.
    windowDays: parseWindowDays(input.windowDays === undefined ? DEFAULT_RFM_WINDOW_DAYS : input.windowDays),
  };
}

/**
 * The exclusive start of the window: a purchase or refund counts when windowStart < occurredAt <= asOf.
 * Null for 'all'. Days are 24-hour periods, which in UTC they always are.
 */
export function windowStart(asOf: string, windowDays: RfmWindowDays): string | null {
  const canonical = utcInstant(asOf);
  if (canonical === undefined) throw new InvalidRfmParametersError('asOf', `asOf must be ${INSTANT_EXAMPLE}; got ${describe(asOf)}`);
  const days = parseWindowDays(windowDays);
  return days === 'all' ? null : new Date(Date.parse(canonical) - days * MS_PER_DAY).toISOString();
}

function parseWindowDays(value: unknown): RfmWindowDays {
  if (value === 'all') return 'all';
  const days = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_RFM_WINDOW_DAYS) {
    throw new InvalidRfmParametersError('windowDays', `windowDays must be ${WINDOW_EXAMPLE}; got ${describe(value)}`);
  }
  return days;
}

function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' || (typeof value === 'object' && value !== null) ? (JSON.stringify(value) ?? String(value)) : String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
