import { consentChannel, trimInvisible, utcInstant, type ConsentStatus, type KnownTouchpoint, type KnownTouchpointType, type Touchpoint } from '@cdp/events';
import { identifierTypeOf, type IdentifierKey } from '@cdp/identity';
import { addMoney, isAmount, isCurrencyCode } from '@cdp/money';
import { emptyContent, emptyIdentifiers, type ProfileContent, type Provenance } from './customer-profile';
import { InvalidProfileEventError } from './profile.errors';
import { complaintSummary, orderSummary, single } from './profile-content';

/*
 * What one event tells about its customer, as a profile content of its own; `evolveProfile` joins
 * it into the profile (`joinContent`).
 */

/** A customer was founded by its earliest touchpoint: it was seen then. */
export function contentOfCustomerCreated(firstSeenAt: string, eventId: string): ProfileContent {
  const at = instant(firstSeenAt, eventId, 'firstSeenAt');
  return { ...emptyContent(), firstSeenAt: at, lastSeenAt: at };
}

/** An identifier "type:value" linked to the customer. */
export function contentOfIdentifier(identifier: IdentifierKey, eventId: string): ProfileContent {
  const type = identifierTypeOf(identifier);
  if (type === identifier || type === '') throw new InvalidProfileEventError(eventId, `identifier ${JSON.stringify(identifier)} is not "type:value"`);
  return { ...emptyContent(), identifiers: { ...emptyIdentifiers(), ...single(type, [identifier.slice(type.length + 1)]) } };
}

/**
 * A touchpoint: it counts in activity (by type, and by channel when it has one), in first and last
 * seen, and gives its envelope's traits and consent. The payloads of the types shipped with the
 * platform add more: a purchase or a refund its amount, a call its complaint or resolution, a
 * profile_update its preferences and important dates (a null withdraws one) and consent. Types
 * registered later count in activity only; their payload is not read.
 */
export function contentOfTouchpoint(touchpoint: Touchpoint, channel: string | null): ProfileContent {
  const { eventId } = touchpoint;
  const at = instant(touchpoint.occurredAt, eventId, 'occurredAt');
  // What the customer told (traits, consent, preferences, dates) counts from when it was said, which is never after it was received.
  const said: Provenance = { occurredAt: saidAt(touchpoint), eventId, source: touchpoint.source };
  const counted = { count: 1, lastAt: at };
  const base: ProfileContent = {
    ...emptyContent(),
    traits: Object.fromEntries(told(touchpoint.traits, eventId, 'traits').map(([name, value]) => [name, { value, ...said }])),
    consent: consentEntries(touchpoint, said),
    firstSeenAt: at,
    lastSeenAt: at,
    activity: { byType: single(touchpoint.type, counted), byChannel: channel === null ? {} : single(channel, counted) },
    touchpoints: 1,
  };

  const known = asKnown(touchpoint);
  if (known === null) return base;
  switch (known.type) {
    case 'purchase': {
      const { currency, amount } = moneyOf(known.payload, eventId);
      const sums = { count: 1, countByCurrency: single(currency, 1), grossSpend: addMoney({}, currency, amount), refunded: {}, lastPurchaseAt: at };
      return { ...base, orders: orderSummary(sums) };
    }
    case 'refund': {
      const { currency, amount } = moneyOf(known.payload, eventId);
      return { ...base, orders: orderSummary({ ...base.orders, refunded: addMoney({}, currency, amount) }) };
    }
    case 'call': {
      // Outcomes are free text ("resolved, unresolved, complaint, sale, ..."): compared without case or surrounding spaces.
      const outcome = typeof known.payload.outcome === 'string' ? known.payload.outcome.trim().toLowerCase() : '';
      if (outcome === 'complaint') return { ...base, complaints: complaintSummary(null, [at]) };
      if (outcome === 'resolved') return { ...base, complaints: complaintSummary(at, []) };
      return base;
    }
    case 'profile_update': {
      const { preferences } = known.payload;
      return {
        ...base,
        preferences: Object.fromEntries(toldOrWithdrawn(preferences, eventId, 'payload.preferences').map(([key, value]) => [key, { value, ...said }])),
        importantDates: Object.fromEntries(Object.entries(importantDatesOfTouchpoint(touchpoint)).map(([name, date]) => [name, { date, ...said }])),
      };
    }
    case 'social_mention':
    case 'visit':
      return base;
    default: {
      const unknown: never = known;
      return unknown;
    }
  }
}

const KNOWN_TYPES: Readonly<Record<KnownTouchpointType, true>> = { call: true, profile_update: true, purchase: true, refund: true, social_mention: true, visit: true };

/** The touchpoint as one of the types shipped with a schema, to read its payload; null for types registered later. */
function asKnown(touchpoint: Touchpoint): KnownTouchpoint | null {
  return Object.hasOwn(KNOWN_TYPES, touchpoint.type) ? (touchpoint as unknown as KnownTouchpoint) : null;
}

/**
 * The dates that matter to the customer a touchpoint tells (a profile_update's `payload.importantDates`),
 * by name: "YYYY-MM-DD", or null for a date the customer withdraws.
 */
export function importantDatesOfTouchpoint(touchpoint: Touchpoint): Readonly<Record<string, string | null>> {
  const known = asKnown(touchpoint);
  if (known?.type !== 'profile_update') return {};
  const path = 'payload.importantDates';
  return Object.fromEntries(
    entriesOf(known.payload.importantDates, touchpoint.eventId, path).map(([name, date]) => [name, date === null ? null : calendarDate(date, touchpoint.eventId, `${path}.${name}`)]),
  );
}

/**
 * What a touchpoint that landed on another customer tells the customer holding one of its
 * identifiers, which the identity guardrails kept apart: its withdrawals of consent, and nothing
 * else. "Stop texting me" reaches the holder of the number it names; a grant does not, since it
 * is the landing customer's word.
 */
export function contentOfWithdrawals(touchpoint: Touchpoint): ProfileContent {
  const said: Provenance = { occurredAt: saidAt(touchpoint), eventId: touchpoint.eventId, source: touchpoint.source };
  return { ...emptyContent(), consent: Object.fromEntries(Object.entries(consentEntries(touchpoint, said)).filter(([, entry]) => entry.status === 'denied')) };
}

/** Whether a touchpoint withdraws consent on any channel: what reaches the holders of its identifiers (see `contentOfWithdrawals`). */
export function withdrawsConsent(touchpoint: Touchpoint): boolean {
  return Object.values(consentOfTouchpoint(touchpoint)).includes('denied');
}

/** The consent a touchpoint tells, each channel's entry dated when its word counts from. */
function consentEntries(touchpoint: Touchpoint, said: Provenance): ProfileContent['consent'] {
  const told = Object.entries(consentOfTouchpoint(touchpoint));
  return Object.fromEntries(told.map(([channel, status]) => [channel, { status, ...said }]));
}

/**
 * When what a touchpoint tells of its customer (consent, traits, preferences, dates) counts from:
 * when it occurred, but never after the platform received it. Ingestion takes an occurredAt up to a
 * day ahead (a source's clock may run fast); a grant, a value or a date stamped hours ahead must
 * not outrank the withdrawal or correction the customer made in between.
 */
export function saidAt(touchpoint: Touchpoint): string {
  const occurredAt = instant(touchpoint.occurredAt, touchpoint.eventId, 'occurredAt');
  const receivedAt = utcInstant(touchpoint.receivedAt);
  return receivedAt !== undefined && receivedAt < occurredAt ? receivedAt : occurredAt;
}

/**
 * What a touchpoint says about consent, by channel: its envelope's, and a profile_update's payload's
 * too. Where the two disagree about a channel, "denied" wins: permission is never assumed.
 */
export function consentOfTouchpoint(touchpoint: Touchpoint): Readonly<Record<string, ConsentStatus>> {
  const told: [record: unknown, path: string][] = [[touchpoint.consent, 'consent']];
  const known = asKnown(touchpoint);
  if (known?.type === 'profile_update') told.push([known.payload.consent, 'payload.consent']);
  const statuses = new Map<string, ConsentStatus>();
  for (const [record, path] of told) {
    for (const [channel, status] of entriesOf(record, touchpoint.eventId, path)) {
      if (status !== 'granted' && status !== 'denied') throw new InvalidProfileEventError(touchpoint.eventId, `${path}.${channel} must be "granted" or "denied", not ${JSON.stringify(status)}`);
      // Ingestion has kept channels in this form since 2026-12-06; a log may hold "SMS" from before.
      const kept = consentChannel(channel);
      statuses.set(kept, statuses.get(kept) === 'denied' ? 'denied' : status);
    }
  }
  return Object.fromEntries(statuses);
}

function moneyOf(payload: { readonly amount: unknown; readonly currency: unknown }, eventId: string): { currency: string; amount: string } {
  const { amount, currency } = payload;
  if (!isAmount(amount)) throw new InvalidProfileEventError(eventId, `payload.amount must be a non-negative decimal string, not ${JSON.stringify(amount)}`);
  if (!isCurrencyCode(currency)) throw new InvalidProfileEventError(eventId, `payload.currency must be an ISO 4217 code, not ${JSON.stringify(currency)}`);
  return { currency, amount };
}

function instant(value: unknown, eventId: string, path: string): string {
  const at = utcInstant(value);
  if (at === undefined) throw new InvalidProfileEventError(eventId, `${path} must be an ISO 8601 instant with a zone, not ${JSON.stringify(value)}`);
  return at;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function calendarDate(value: unknown, eventId: string, path: string): string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) throw new InvalidProfileEventError(eventId, `${path} must be a date "YYYY-MM-DD", not ${JSON.stringify(value)}`);
  return value;
}

/** The texts of a map of facts (traits) that say something. */
function told(record: unknown, eventId: string, path: string): [string, string][] {
  return entriesOf(record, eventId, path).flatMap(([key, value]) => saysSomething(key, text(value, eventId, `${path}.${key}`)));
}

/** As `told`, for a map whose null values withdraw their keys (a profile_update's preferences): a withdrawal is kept, as null. */
function toldOrWithdrawn(record: unknown, eventId: string, path: string): [string, string | null][] {
  return entriesOf(record, eventId, path).flatMap(([key, value]): [string, string | null][] => (value === null ? [[key, null]] : saysSomething(key, text(value, eventId, `${path}.${key}`))));
}

/**
 * A text that says something: a blank one is a form field left empty, which tells nothing, and must
 * not overwrite what the customer said before. Only null withdraws.
 */
function saysSomething(key: string, value: string): [string, string][] {
  return trimInvisible(value) === '' ? [] : [[key, value]];
}

function text(value: unknown, eventId: string, path: string): string {
  if (typeof value !== 'string') throw new InvalidProfileEventError(eventId, `${path} must be text, not ${JSON.stringify(value)}`);
  return value;
}

/** A map's own entries; none for null or absent. */
function entriesOf(record: unknown, eventId: string, path: string): [string, unknown][] {
  if (record === null || record === undefined) return [];
  if (typeof record !== 'object' || Array.isArray(record)) throw new InvalidProfileEventError(eventId, `${path} must be a map, not ${JSON.stringify(record)}`);
  return Object.entries(record);
}
