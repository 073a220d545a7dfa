import { hasOtherDigits } from '../text/ascii-digits';

/**
 * The years of the Solar Hijri (Persian) calendar in which Iranian systems keep the dates of
 * living people and of today: 1200 to 1499, which began in 1821 to 2120. As a Gregorian year each
 * is centuries off, so it is refused with the year to send instead.
 */
export function solarHijriYearProblem(year: number, what: 'date' | 'instant'): string | undefined {
  if (year < 1200 || year >= 1500) return undefined;
  return `is in ${year}, a Solar Hijri (Persian calendar) year rather than a Gregorian one: send the Gregorian ${what} (Solar Hijri ${year} began in ${year + 621})`;
}

/**
 * The latest of the dates systems write for "no date": 0001-01-01 (.NET's DateTime.MinValue),
 * 1900-01-01 (SQL Server's and Excel's). No customer's date is on it or before it.
 */
export const LATEST_EMPTY_DATE = '1900-01-01';

/**
 * The last day ClickHouse 18.16 reads as a Date (toDate of a later one is 0000-00-00, before every
 * date): past it lie only the "no end" dates of some systems (9999-12-31) and typos of the year.
 */
export const LAST_DATE = '2105-12-31';

/** Why a calendar date ("YYYY-MM-DD") is not one of a customer's, if it is not. */
export function calendarDateProblem(date: string): string | undefined {
  const hijri = solarHijriYearProblem(Number(date.slice(0, 4)), 'date');
  if (hijri !== undefined) return hijri;
  if (date <= LATEST_EMPTY_DATE) {
    return `is ${date}, on or before ${LATEST_EMPTY_DATE}: the empty date of many systems (0001-01-01, 1900-01-01) rather than a customer's; leave the field out when there is no date`;
  }
  if (date > LAST_DATE) {
    return `is ${date}, after ${LAST_DATE}: the "no end" date of some systems (9999-12-31) or a typo of the year rather than a customer's; leave the field out when there is no date`;
  }
  return undefined;
}

/** Why a text shaped like "YYYY-MM-DD" is not a calendar date: a day its month lacks, or digits of another script. */
export function notACalendarDateProblem(text: unknown): string {
  const shaped = typeof text === 'string' ? /^(\p{Nd}{4})-(\p{Nd}{2})-(\p{Nd}{2})$/u.exec(text) : null;
  if (shaped === null) return 'must be a calendar date "YYYY-MM-DD"';
  if (hasOtherDigits(text as string)) return 'must be a calendar date "YYYY-MM-DD" written with the digits 0-9';
  const [year, month, day] = shaped.slice(1).map(Number);
  if (month < 1 || month > 12) return `must be a calendar date "YYYY-MM-DD": there is no month ${month}`;
  return `must be a calendar date "YYYY-MM-DD": ${shaped[1]}-${shaped[2]} has days 1 to ${daysInMonth(year, month)}, not ${day}`;
}

/** In the Gregorian calendar, as ISO 8601 extends it to every year. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}
