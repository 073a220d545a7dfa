/**
 * Local time in Iran, where the demo business trades. Iran has kept UTC+03:30 all year since it
 * dropped daylight saving in 2022. Instants stay UTC; only habits (lunch, the Friday weekend,
 * Nowruz) are reckoned in local time.
 */
export const TEHRAN_OFFSET_MS = 3.5 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface LocalDate {
  readonly month: number; // 1-12, Gregorian
  readonly day: number;
  /** 0 Sunday … 4 Thursday, 5 Friday (the Iranian weekend), 6 Saturday (the first working day). */
  readonly weekday: number;
}

export function tehranDate(instant: number): LocalDate {
  const local = new Date(instant + TEHRAN_OFFSET_MS);
  return { month: local.getUTCMonth() + 1, day: local.getUTCDate(), weekday: local.getUTCDay() };
}

/** The instant of local midnight that starts the Tehran day of `instant`. */
export function tehranMidnight(instant: number): number {
  return Math.floor((instant + TEHRAN_OFFSET_MS) / DAY_MS) * DAY_MS - TEHRAN_OFFSET_MS;
}

/** As a POS in a branch writes it: local wall-clock time with the +03:30 offset. */
export function tehranIso(instant: number): string {
  return new Date(instant + TEHRAN_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+03:30');
}

/** As a cloud system writes it: UTC, whole seconds. */
export function utcIso(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A Gregorian month-day window of the year, e.g. Nowruz shopping from 1 March to 19 March. */
export function inWindow(date: LocalDate, from: readonly [number, number], to: readonly [number, number]): boolean {
  const at = date.month * 100 + date.day;
  const start = from[0] * 100 + from[1];
  const end = to[0] * 100 + to[1];
  return start <= end ? at >= start && at <= end : at >= start || at <= end;
}

/** The season of spring shopping: late Esfand, before Nowruz, to the end of Ordibehesht. */
export const SPRING: readonly [[number, number], [number, number]] = [
  [2, 20],
  [5, 21],
];
/** The last weeks of Esfand, when families buy new clothes for Nowruz. */
export const NOWRUZ_SHOPPING: readonly [[number, number], [number, number]] = [
  [3, 1],
  [3, 19],
];
/** The Nowruz holidays, 1 to 13 Farvardin. */
export const NOWRUZ_HOLIDAYS: readonly [[number, number], [number, number]] = [
  [3, 20],
  [4, 2],
];
/** Yalda night, the longest night of the year, and the days around it. */
export const YALDA: readonly [[number, number], [number, number]] = [
  [12, 19],
  [12, 22],
];
/** The summer holidays. */
export const SUMMER: readonly [[number, number], [number, number]] = [
  [6, 22],
  [8, 31],
];
