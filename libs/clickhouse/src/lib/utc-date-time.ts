/** A Date as ClickHouse DateTime text in UTC, 'YYYY-MM-DD hh:mm:ss': DateTime holds whole seconds, so milliseconds are dropped. */
export function utcDateTimeText(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
