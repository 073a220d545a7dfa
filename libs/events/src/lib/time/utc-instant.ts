import { hasOtherDigits } from '../text/ascii-digits';

/*
 * Instants come in as ISO 8601 with a zone ("2026-01-31T03:30:00+03:30") and are held in their
 * canonical form: UTC with milliseconds, as `Date#toISOString` writes it ("2026-01-31T00:00:00.000Z").
 * Digits beyond milliseconds are dropped. Canonical instants sort as text in time order.
 */

export const MS_PER_DAY = 86_400_000;

/** No time zone is more than 14 hours from UTC (Pacific/Kiritimati is +14:00): a larger offset is a typo, such as +23:30 for +03:30. */
const MAX_OFFSET_MINUTES = 14 * 60;

const ZONED_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

/**
 * The epoch milliseconds of an ISO 8601 instant with a zone; undefined when it is not one.
 * `Date.parse` alone is not enough: it rolls "02-30" over to March and "24:00" over to the next
 * day, and a zone-less time would depend on the host's zone.
 */
export function instantMillis(value: unknown): number | undefined {
  const match = typeof value === 'string' ? ZONED_INSTANT.exec(value) : null;
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '', utc, sign, offsetHours, offsetMinutes] = match;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (!utc && (Number(offsetMinutes) > 59 || Number(offsetHours) * 60 + Number(offsetMinutes) > MAX_OFFSET_MINUTES)) return undefined;
  // setUTCFullYear, not Date.UTC, which reads years 0..99 as 1900..1999.
  const local = new Date(0);
  local.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  if (local.getUTCFullYear() !== Number(year) || local.getUTCMonth() !== Number(month) - 1 || local.getUTCDate() !== Number(day)) return undefined;
  local.setUTCHours(Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
  const offset = utc ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return local.getTime() - offset;
}

/** The canonical form of an ISO 8601 instant with a zone ("2026-01-31T03:30:00+03:30" -> "2026-01-31T00:00:00.000Z"); undefined when it is not one. */
export function utcInstant(value: unknown): string | undefined {
  // Instants the platform stored are canonical already: a projection reads millions of them, and
  // checking the form is some fifty times cheaper than parsing and writing it again.
  if (typeof value === 'string' && CANONICAL_INSTANT.test(value)) return isCalendarDay(value) ? value : undefined;
  const millis = instantMillis(value);
  const iso = millis === undefined ? undefined : new Date(millis).toISOString();
  // A zone can move year 0000 or 9999 out of four digits, which toISOString then writes as "-000001" or "+010000".
  return iso !== undefined && /^\d{4}-/.test(iso) ? iso : undefined;
}

const CANONICAL_INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether a canonical instant's day is in its month ("2026-02-30" is not); the pattern bounds it to 01..31. */
function isCalendarDay(canonical: string): boolean {
  const day = Number(canonical.slice(8, 10));
  if (day <= 28) return true;
  const [year, month] = [Number(canonical.slice(0, 4)), Number(canonical.slice(5, 7))];
  const leapDay = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  return day <= DAYS_IN_MONTH[month - 1] + leapDay;
}

const EXAMPLE = 'e.g. "2026-11-20T10:15:00Z" or "2026-11-20T13:45:00+03:30"';
const ZONELESS_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/i;
const OFFSET_WITHOUT_COLON = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2}(\d{2})?$/i;

/** What is wrong with a value that `utcInstant` refuses, said so that the sender knows what to change. */
export function instantProblem(value: unknown): string {
  if (typeof value === 'string' && hasOtherDigits(value)) {
    return `must be written with the digits 0-9, ${EXAMPLE}`;
  }
  if (typeof value === 'string' && ZONELESS_INSTANT.test(value)) {
    return `has no time zone: add "Z" for UTC or the offset it was written in, ${EXAMPLE}`;
  }
  if (typeof value === 'string' && OFFSET_WITHOUT_COLON.test(value)) {
    return `writes its offset without a colon: write it as ±HH:MM (+03:30, not +0330 or +03), ${EXAMPLE}`;
  }
  const match = typeof value === 'string' ? ZONED_INSTANT.exec(value) : null;
  if (!match) return `must be an ISO 8601 instant with a time zone, ${EXAMPLE}`;
  const [, year, month, day, hour, minute, second = '0', , utc, , offsetHours, offsetMinutes] = match;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return `is not a time of day: hours run 00 to 23, minutes and seconds 00 to 59 (${EXAMPLE})`;
  if (!utc && Number(offsetMinutes) > 59) return `has an offset that is not one: write it as ±HH:MM, ${EXAMPLE}`;
  if (!utc && Number(offsetHours) * 60 + Number(offsetMinutes) > MAX_OFFSET_MINUTES) return `has an offset of more than 14 hours, which no time zone has: write the offset it was written in, ${EXAMPLE}`;
  if (Number(month) < 1 || Number(month) > 12) return `is not a date: months run 01 to 12, not ${month}`;
  if (instantMillis(value) === undefined) return `is not a date: ${year}-${month} has no day ${day}`;
  return 'is out of range: years run from 0000 to 9999 in UTC';
}
