/*
 * Times in the profile are ISO 8601 UTC instants with milliseconds, as `Date#toISOString` writes
 * them. Whatever form a touchpoint's instant came in ("2026-11-21T09:00:00+03:30"), it is stored
 * in that form, so equal instants are equal strings and ties are seen as ties.
 */

const ZONED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The UTC instant of an ISO 8601 instant with a zone; undefined when it is not one (a zone-less time would depend on the host's zone). */
export function utcInstant(value: unknown): string | undefined {
  if (typeof value !== 'string' || !ZONED_INSTANT.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}

const CANONICAL_LENGTH = '2026-01-01T00:00:00.000Z'.length;

/** Negative, zero or positive as instant a is before, at or after b. */
export function compareInstants(a: string, b: string): number {
  // Two instants in the canonical form (four-digit years) sort as text, without parsing.
  if (a.length === CANONICAL_LENGTH && b.length === CANONICAL_LENGTH && a.endsWith('Z') && b.endsWith('Z')) return a < b ? -1 : a > b ? 1 : 0;
  return Date.parse(a) - Date.parse(b);
}

export function earliest(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null ? a : compareInstants(a, b) <= 0 ? a : b;
}

export function latest(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null ? a : compareInstants(a, b) >= 0 ? a : b;
}
