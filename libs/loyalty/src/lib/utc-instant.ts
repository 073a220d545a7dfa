import { MS_PER_DAY } from '@cdp/events';
import { describeValue } from './describe-value';

/*
 * Instants in the loyalty rules are canonical UTC ISO strings with milliseconds, as
 * `Date#toISOString` writes them ("2026-01-31T00:00:00.000Z"). Canonical strings sort as text in
 * time order, so the rules compare them as strings.
 */

const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Whether `value` is a canonical instant; "2026-02-30T00:00:00.000Z" is not one. */
export function isCanonicalInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !CANONICAL_INSTANT.test(value)) return false;
  const millis = Date.parse(value);
  return !Number.isNaN(millis) && new Date(millis).toISOString() === value;
}

/** The canonical instant `days` days of 86,400,000 ms after `instant` (before it when negative). */
export function addDays(instant: string, days: number): string {
  return new Date(Date.parse(instant) + days * MS_PER_DAY).toISOString();
}

/** `value` when it is a canonical instant; a TypeError naming `what` otherwise (the edge sends canonical instants). */
export function requireCanonicalInstant(value: unknown, what: string): string {
  if (isCanonicalInstant(value)) return value;
  throw new TypeError(`${what} must be a canonical UTC instant such as "2026-01-31T00:00:00.000Z"; got ${describeValue(value)}`);
}

