import type { Envelope } from '../../generated/touchpoint-types';

/**
 * A touchpoint of any type, including types registered after this code was written; narrow it
 * to a `KnownTouchpoint` by `type` where a rule needs the payload's fields.
 */
export interface Touchpoint extends Envelope {
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Touchpoints may lie about the future by at most this much, for clock skew between systems. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** The earliest occurredAt accepted: the analytics tables keep times as Unix time (DateTime, UInt64 milliseconds). */
export const EARLIEST_OCCURRED_AT = '1970-01-01T00:00:00.000Z';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
