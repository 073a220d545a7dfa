/*
 * How the CLI shows numbers, money and dates to people. Data stays as it is stored (decimal strings,
 * UTC instants, ISO dates); only this edge adds thousands separators, tomans and the Solar Hijri
 * (Persian) calendar that Iranian users read.
 */

import { MS_PER_DAY } from '@cdp/events';

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return INTEGER.format(n);
}

/** "1234567.5" → "1,234,567.5", exactly: the digits of a decimal string are never rounded. */
export function groupDigits(decimal: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(decimal.trim());
  if (!match) return decimal;
  const [, sign, whole, fraction = ''] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}

/** Ten rials make a toman: the decimal point moves one place, exactly. */
export function rialsToTomans(rials: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(rials.trim());
  if (!match) return rials;
  const [, sign, whole, fraction = ''] = match;
  const padded = whole.padStart(2, '0');
  const tomans = padded.slice(0, -1).replace(/^0+(?=\d)/, '');
  const decimals = (padded.slice(-1) + fraction).replace(/0+$/, '');
  return `${sign}${tomans}${decimals ? `.${decimals}` : ''}`;
}

/** "41,230,000 IRR (4,123,000 toman)"; other currencies as "12.50 EUR". */
export function formatMoney(amount: string, currency: string): string {
  const text = `${groupDigits(amount)} ${currency}`;
  return currency === 'IRR' ? `${text} (${groupDigits(rialsToTomans(amount))} toman)` : text;
}

/** Amounts in several currencies, e.g. { IRR: "300000" }. */
export function formatMoneyByCurrency(amounts: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(amounts ?? {});
  return entries.length === 0 ? '0' : entries.map(([currency, amount]) => formatMoney(amount, currency)).join(' + ');
}

const PERSIAN = {
  date: new Intl.DateTimeFormat('en-u-ca-persian', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }),
  instant: new Intl.DateTimeFormat('en-u-ca-persian', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'Asia/Tehran' }),
  tehranTime: new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Tehran' }),
  /** Tehran's calendar day, in the Gregorian calendar. */
  tehranDay: new Intl.DateTimeFormat('en-u-ca-gregory-nu-latn', { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'Asia/Tehran' }),
};

/**
 * A date in the Solar Hijri calendar, as Iranians write it: "16 Bahman 1368". A calendar date
 * ("1990-02-05") is read as that day; an instant is read in Tehran.
 */
export function persianDate(value: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const at = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime())) return value;
  const parts = Object.fromEntries((dateOnly ? PERSIAN.date : PERSIAN.instant).formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.day} ${parts.month} ${parts.year}`;
}

/** "1990-02-05 (16 Bahman 1368)". */
export function formatDate(date: string): string {
  return `${date} (${persianDate(date)})`;
}

/**
 * "2026-11-20 10:15 UTC (29 Aban 1405, 13:45 Tehran)": the Persian date is Tehran's, which is the
 * next day from 20:30 UTC, so its time of day is shown with it.
 */
export function formatInstant(instant: string): string {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC (${persianDate(instant)}, ${PERSIAN.tehranTime.format(at)} Tehran)`;
}

/** "850 ms", "12.3 s", "2 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/**
 * A progress bar's time left, in whole seconds: "45 s", "1 min 59 s", "2 h 05 min"; "…" while the
 * bar cannot tell (cli-progress gives 'NULL' or 'INF' then). cli-progress's own rounds the seconds
 * to fives apart from the minutes, and wrote 119 s as "1m60s".
 */
export function formatTimeLeft(seconds: number | string): string {
  const s = Math.round(Number(seconds));
  if (!Number.isFinite(s) || s < 0) return '…';
  if (s < 60) return `${s} s`;
  if (s < 3600) return formatDuration(s * 1000);
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** "2,019 touchpoints/s". */
export function formatRate(count: number, ms: number, unit: string): string {
  return `${formatCount(ms > 0 ? (count * 1000) / ms : 0)} ${unit}/s`;
}

/**
 * Whole days from today to a calendar date, negative when it has passed; today as in Tehran, where
 * the dates shown beside it are, so from 20:30 UTC it is the next day.
 */
export function daysUntil(date: string, now: Date): number {
  const { year, month, day } = Object.fromEntries(PERSIAN.tehranDay.formatToParts(now).map((part) => [part.type, part.value]));
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.UTC(Number(year), Number(month) - 1, Number(day))) / MS_PER_DAY);
}

/** A plain-text table: a header, a rule, and the rows, columns padded; numbers right-aligned. */
export function formatTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(displayWidth(c), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[\d,.]+$|^-$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const padding = ' '.repeat(widths[i] - displayWidth(cell));
        return numeric[i] ? padding + cell : cell + padding;
      })
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** What takes no column on a terminal: invisible format characters (a zero-width non-joiner, a right-to-left mark) and combining marks (Arabic vowel signs, accents). */
const ZERO_WIDTH = /[\p{Cf}\p{Mn}\p{Me}]/gu;

/** The columns a text takes on a terminal, one per character but those that take none. */
export function displayWidth(text: string): number {
  return [...text.replace(ZERO_WIDTH, '')].length;
}

/** Cuts a long text for a table cell. */
export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
