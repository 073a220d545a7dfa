/*
 * Times in the profile are canonical UTC instants (utcInstant of @cdp/events). Whatever form a
 * touchpoint's instant came in ("2026-11-21T09:00:00+03:30"), it is stored in that form, so equal
 * instants are equal strings and ties are seen as ties.
 */

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
