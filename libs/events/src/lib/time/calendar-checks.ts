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

/** Why a calendar date ("YYYY-MM-DD") is not one of a customer's, if it is not. */
export function calendarDateProblem(date: string): string | undefined {
  return (
    solarHijriYearProblem(Number(date.slice(0, 4)), 'date') ??
    (date <= LATEST_EMPTY_DATE
      ? `is ${date}, on or before ${LATEST_EMPTY_DATE}: the empty date of many systems (0001-01-01, 1900-01-01) rather than a customer's; leave the field out when there is no date`
      : undefined)
  );
}
