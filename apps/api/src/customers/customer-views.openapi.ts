import type { SchemaObject } from '@nestjs/swagger';
import { openApi } from '@cdp/platform-runtime';
import { PROFILE_IDENTIFIER_TYPES } from '@cdp/profile';

const { calendarDate, instant, integer, listOf, mapOf, moneyByCurrency, nextPage, nullable, record, text } = openApi;

/** Where a fact was learnt: the touchpoint that told it, which also decides which fact is the latest. */
const provenance = {
  occurredAt: instant("when the touchpoint told it: its occurredAt, or when the platform received it if that was earlier (a source's fast clock)"),
  eventId: text('the touchpoint', '0b7f2c1e-5d7a-4c1e-9f3a-2b6d8e4f1a90'),
  source: text("the touchpoint's source", 'club-signup'),
};

const activityCount = record('ActivityCount', { count: integer(), lastAt: instant('the latest occurredAt counted') });

const identifiers: SchemaObject = {
  title: 'ProfileIdentifiers',
  type: 'object',
  description: 'Identifier values linked to the customer, by type, each list sorted; types registered later appear as further keys',
  required: [...PROFILE_IDENTIFIER_TYPES],
  properties: Object.fromEntries(PROFILE_IDENTIFIER_TYPES.map((type) => [type, listOf(text())])),
  additionalProperties: listOf(text()),
};

/** The unified profile (libs/profile, VisibleProfile), as GET /v1/customers answers it with its loyalty summary. */
export const CUSTOMER_VIEW = record(
  'CustomerView',
  {
    customerId: text(undefined, 'cus_0b7f2c1e5d7a4c1e9f3a2b6d8e4f1a90'),
    mergedInto: nullable(text('for a merged id asked for: the survivor, whose profile this is; otherwise null')),
    mergedFrom: listOf(text(), 'customers merged into this one, transitively, sorted'),
    identifiers,
    traits: mapOf(record('TraitValue', { value: text(), ...provenance }), 'facts from the touchpoints\' traits; the latest by occurredAt wins'),
    preferences: mapOf(record('Preference', { value: text(undefined, 'no spicy sauce'), ...provenance }), 'what the customer asked for, by key; a withdrawn one is left out'),
    importantDates: mapOf(record('ImportantDate', { date: calendarDate(), ...provenance }), 'birthday, anniversary, passportExpiry, ...; a withdrawn one is left out'),
    consent: mapOf(record('ConsentEntry', { status: { type: 'string', enum: ['granted', 'denied'] }, ...provenance }), 'marketing permission by channel'),
    firstSeenAt: nullable(instant()),
    lastSeenAt: nullable(instant()),
    activity: record('Activity', {
      byType: mapOf(activityCount, 'by touchpoint type'),
      byChannel: mapOf(activityCount, 'by channel'),
    }),
    orders: record('OrderSummary', {
      count: integer('purchases, in every currency'),
      countByCurrency: mapOf(integer(), 'purchases by currency'),
      grossSpend: moneyByCurrency('the sum of the purchase amounts'),
      refunded: moneyByCurrency('the sum of the refund amounts'),
      netSpend: moneyByCurrency('grossSpend less refunded'),
      averageOrderValue: moneyByCurrency('grossSpend over the purchases in that currency'),
      lastPurchaseAt: nullable(instant()),
    }),
    complaints: record('ComplaintSummary', {
      open: integer('calls with outcome complaint not followed by a resolved call'),
      lastResolvedAt: nullable(instant()),
      openAt: listOf(instant(), 'the occurredAt of each open complaint, ascending'),
    }),
    touchpoints: integer('touchpoints applied, of any type'),
    version: integer('grows with every change, as in the change feed'),
    loyalty: record('LoyaltySummary', { available: integer('points that can be spent now'), tier: text(undefined, 'member') }),
  },
  'The unified customer profile with its loyalty summary (docs/customers.md)',
);

/** A merged id answers with its survivor's view, and says so. */
export const MERGED_CUSTOMER_VIEW: SchemaObject = {
  ...CUSTOMER_VIEW,
  title: 'CustomerViewOfMergedId',
  description: 'The survivor of a merged id, with the id asked for',
  required: [...(CUSTOMER_VIEW.required ?? []), 'requestedId'],
  properties: { ...CUSTOMER_VIEW.properties, requestedId: text('the merged id asked for') },
};

// anyOf: a merged id's answer holds every field of a profile as well, so it matches both.
export const CUSTOMER_VIEW_BY_ID: SchemaObject = { anyOf: [CUSTOMER_VIEW, MERGED_CUSTOMER_VIEW] };

/** A touchpoint as the log holds it: the envelope, and the payload of its type's schema (schemas/touchpoints). */
const TOUCHPOINT = record('Touchpoint', {
  eventId: text(),
  type: text(undefined, 'purchase'),
  source: text(undefined, 'pos-store-12'),
  occurredAt: instant(),
  receivedAt: instant('when the platform accepted it'),
  identifiers: {
    ...record('TouchpointIdentifiers', Object.fromEntries(PROFILE_IDENTIFIER_TYPES.map((type) => [type, nullable(text())]))),
    additionalProperties: nullable(text()),
  },
  traits: nullable(mapOf(text(), 'as sent')),
  consent: nullable(mapOf({ type: 'string', enum: ['granted', 'denied'] }, 'by channel')),
  attributes: mapOf(text(), 'free-form source attributes'),
  payload: { type: 'object', description: "the fields of the type's schema (schemas/touchpoints/<type>)", additionalProperties: true },
});

export const TIMELINE = record('Timeline', {
  customerId: text('the customer whose timeline it is: the survivor, for a merged id'),
  touchpoints: listOf(TOUCHPOINT, 'newest first'),
  next: nextPage(),
});

export const IDENTITY_CONFLICTS = record('IdentityConflicts', {
  conflicts: listOf(
    record('IdentityConflict', {
      eventId: text('the touchpoint that would have merged or linked'),
      identifier: text(undefined, 'email:a@b.co'),
      reason: { type: 'string', enum: ['IDENTITY.DIFFERENT_CUSTOMER_IDS', 'IDENTITY.TOO_MANY_VALUES'] },
      customerId: text('where the touchpoint landed'),
      conflictingCustomerId: nullable(text('the customer it was not merged with; null when a new link was refused')),
      occurredAt: instant(),
    }),
    'newest first',
  ),
  next: nextPage(),
});
