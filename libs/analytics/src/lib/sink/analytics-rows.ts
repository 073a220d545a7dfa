import type { Touchpoint } from '@cdp/events';
import { identifierKeysOf } from '@cdp/identity';
import { amountWithinLimits, isAmount, isCurrencyCode, MAX_AMOUNT_INTEGER_DIGITS, MAX_AMOUNT_SCALE } from '@cdp/money';
import { consentOfTouchpoint, importantDatesOfTouchpoint, saidAt } from '@cdp/profile';
import { AnalyticsRowError } from './analytics-row.error';

/** The rows one touchpoint adds to the analytics tables (see analytics-migrations.ts). */
export interface AnalyticsRows {
  readonly touchpoint: TouchpointRow;
  readonly fields?: FieldsRow;
  readonly purchase?: MoneyRow & { readonly channel: string };
  readonly refund?: MoneyRow & { readonly reason: string };
  /** What it said about consent, a row per channel, a withdrawal under each of its keys; none when it said nothing. */
  readonly consents: readonly ConsentRow[];
  /** The dates that matter to the customer it told (a profile_update's), a row per name; a withdrawn one with an empty date. */
  readonly importantDates: readonly ImportantDateRow[];
}

export interface ImportantDateRow {
  readonly event_id: string;
  readonly occurred_at: string;
  readonly occurred_at_ms: number;
  readonly customer_key: string;
  readonly name: string;
  /** "YYYY-MM-DD", or '' where the customer withdrew the date. */
  readonly date: string;
  readonly source: string;
}

export interface ConsentRow {
  readonly event_id: string;
  readonly occurred_at: string;
  readonly occurred_at_ms: number;
  readonly customer_key: string;
  readonly channel: string;
  readonly status: string;
  readonly source: string;
}

export interface TouchpointRow {
  readonly event_id: string;
  readonly type: string;
  readonly source: string;
  readonly channel: string;
  readonly occurred_at: string;
  readonly occurred_at_ms: number;
  readonly received_at: string;
  readonly customer_key: string;
  readonly identifiers: readonly string[];
  readonly touchpoint: string;
}

/** The touchpoint's top-level scalar payload fields, as text: what a type's analytics view shows. */
export interface FieldsRow {
  readonly event_id: string;
  readonly type: string;
  readonly source: string;
  readonly channel: string;
  readonly occurred_at: string;
  readonly occurred_at_ms: number;
  readonly customer_key: string;
  readonly field_names: readonly string[];
  readonly field_values: readonly string[];
}

interface MoneyRow {
  readonly event_id: string;
  readonly occurred_at: string;
  readonly occurred_at_ms: number;
  readonly customer_key: string;
  readonly order_id: string;
  readonly amount: string;
  readonly currency: string;
  readonly source: string;
}

/**
 * A touchpoint as analytics rows. Its customer key is its most trustworthy identifier: the one the
 * identity rules land it on. `channel` is the touchpoint's channel (its type's manifest says where
 * it is), '' when it has none. Throws `AnalyticsRowError` for an amount or a time the tables cannot
 * hold exactly, so the event becomes a dead letter instead of a wrong sum or a batch retried for ever.
 */
export function analyticsRowsOf(touchpoint: Touchpoint, channel: string | null): AnalyticsRows {
  const keys = identifierKeysOf(touchpoint.identifiers);
  const occurredAtMs = Date.parse(touchpoint.occurredAt);
  // Ingestion has refused such times since 2026-12-06; a log may hold older ones.
  if (!(occurredAtMs >= 0)) throw new AnalyticsRowError(touchpoint.eventId, `occurredAt ${touchpoint.occurredAt} is before 1970-01-01, which the analytics tables' DateTime cannot hold`);
  const common = { event_id: touchpoint.eventId, occurred_at: dateTimeText(touchpoint.occurredAt), occurred_at_ms: occurredAtMs, customer_key: keys[0] ?? '' };
  const row: TouchpointRow = {
    ...common,
    type: touchpoint.type,
    source: touchpoint.source,
    channel: channel ?? '',
    received_at: dateTimeText(touchpoint.receivedAt),
    identifiers: keys,
    touchpoint: JSON.stringify(inEnvelopeOrder(touchpoint)),
  };
  const { payload } = touchpoint;
  const scalars = Object.entries(payload).filter((entry): entry is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof entry[1]));
  const fields: FieldsRow | undefined =
    scalars.length === 0
      ? undefined
      : { ...common, type: row.type, source: row.source, channel: row.channel, field_names: scalars.map(([name]) => name), field_values: scalars.map(([, value]) => String(value)) };
  // What the customer told is dated when it was said, as the profile dates it: never after it was received.
  const said = { ...common, ...dateTimeColumns(saidAt(touchpoint)), source: touchpoint.source };
  const told = {
    consents: Object.entries(consentOfTouchpoint(touchpoint)).flatMap(([consentChannel, status]) =>
      // A withdrawal goes under every key the touchpoint names, so that it reaches whoever holds each,
      // as the profile's does when the identity guardrails keep a key's holder apart; a grant is the
      // word of the customer the touchpoint lands on, under its first key only.
      (status === 'denied' && keys.length > 0 ? keys : [common.customer_key]).map((key) => ({ ...said, customer_key: key, channel: consentChannel, status })),
    ),
    importantDates: Object.entries(importantDatesOfTouchpoint(touchpoint)).map(([name, date]) => ({ ...said, name, date: date ?? '' })),
  };
  const money = () => ({ ...common, order_id: text(payload.orderId), ...moneyOf(touchpoint), source: touchpoint.source });
  if (touchpoint.type === 'purchase') return { touchpoint: row, fields, ...told, purchase: { ...money(), channel: channel ?? '' } };
  if (touchpoint.type === 'refund') return { touchpoint: row, fields, ...told, refund: { ...money(), reason: text(payload.reason) } };
  return { touchpoint: row, fields, ...told };
}

/**
 * The touchpoint with its fields in the envelope's order, the payload last, as docs/analytics.md
 * gives them in both modes: the embedded log's jsonb hands an event back shortest key first, and
 * visitParamExtract… reads the first key of a name, so `consent` came before `identifiers` there.
 */
function inEnvelopeOrder({ eventId, type, source, occurredAt, receivedAt, identifiers, traits, consent, attributes, payload, ...added }: Touchpoint): Touchpoint {
  return { eventId, type, source, occurredAt, receivedAt, identifiers, traits, consent, attributes, ...added, payload };
}

function moneyOf(touchpoint: Touchpoint): { amount: string; currency: string } {
  const { amount, currency } = touchpoint.payload;
  const fail = (why: string) => new AnalyticsRowError(touchpoint.eventId, why);
  if (!isAmount(amount)) throw fail(`payload.amount must be a non-negative decimal string, not ${JSON.stringify(amount)}`);
  if (!isCurrencyCode(currency)) throw fail(`payload.currency must be an ISO 4217 code, not ${JSON.stringify(currency)}`);
  const stored = amountWithinLimits(amount);
  if (stored === undefined) {
    throw fail(`payload.amount ${amount} does not fit the analytics tables' Decimal(18, 3): at most ${MAX_AMOUNT_INTEGER_DIGITS} digits before the point and ${MAX_AMOUNT_SCALE} after`);
  }
  return { amount: stored, currency };
}

function dateTimeColumns(instant: string): { occurred_at: string; occurred_at_ms: number } {
  return { occurred_at: dateTimeText(instant), occurred_at_ms: Date.parse(instant) };
}

/** 'YYYY-MM-DD hh:mm:ss', the text a DateTime('UTC') column takes. */
function dateTimeText(instant: string): string {
  return new Date(instant).toISOString().slice(0, 19).replace('T', ' ');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
