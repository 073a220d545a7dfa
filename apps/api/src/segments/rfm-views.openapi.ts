import type { SchemaObject } from '@nestjs/swagger';
import { openApi } from '@cdp/platform-runtime';

const { decimal, instant, integer, mapOf, record, text } = openApi;

const windowDays: SchemaObject = {
  description: 'the days of purchases scored, or "all"',
  oneOf: [{ type: 'integer', minimum: 1, maximum: 36_500 }, { type: 'string', enum: ['all'] }],
};
const score = { type: 'integer', minimum: 1, maximum: 5 } as const;
const segmentCounts = mapOf(integer(), 'customers per segment');

export const RFM_SEGMENTS = record('RfmSegments', {
  asOf: instant(),
  windowDays,
  currency: text(undefined, 'IRR'),
  runId: text(),
  customers: integer('customers scored'),
  segments: segmentCounts,
});

const run = {
  runId: text(),
  asOf: instant(),
  windowDays,
  currency: text(undefined, 'IRR'),
  customers: integer('customers scored'),
  requestedAt: instant(),
  finishedAt: instant(),
};

/** A run that became current, or a what-if (asOf before the current scores'), answered with its segments. */
export const RFM_RUN: SchemaObject = {
  oneOf: [
    record('RfmRun', { ...run, current: { type: 'boolean', enum: [true] } }),
    record('RfmWhatIfRun', { ...run, current: { type: 'boolean', enum: [false] }, segments: segmentCounts }),
  ],
};

export const CUSTOMER_RFM = record('CustomerRfm', {
  customerId: text('the survivor, for a merged id'),
  recencyDays: integer('days since the last purchase'),
  frequency: integer('purchases in the window'),
  monetary: decimal('net spend in the window, in the run currency', '299000.000'),
  r: score,
  f: score,
  m: score,
  segment: text(undefined, 'Champions'),
  asOf: instant(),
  windowDays,
  runId: text(),
});
