import { loadSchemaCatalog } from '../catalog/load-schema-catalog';
import type { SchemaCatalog } from '../catalog/schema-catalog';
import { readTouchpoint } from '../touchpoint/read-touchpoint';
import { touchpointExamples } from '../touchpoint/touchpoint-examples';
import { purchaseAtV2 } from './purchase-at-v2.fixture';
import { touchpointUpcaster } from './touchpoint-upcaster';

const catalog = loadSchemaCatalog();
const arrival = { eventId: '11111111-2222-4333-8444-555555555555', receivedAt: '2026-11-23T08:00:00.000Z' };

/** A touchpoint as ingestion kept it in a JSON log when `schemas` was its catalog. */
function keptAsJson(schemas: SchemaCatalog, touchpoint: object): Record<string, unknown> {
  const read = readTouchpoint(touchpoint, schemas, arrival);
  if (!read.ok) throw new Error(JSON.stringify(read.errors));
  return JSON.parse(JSON.stringify(read.value));
}

describe('touchpoints kept as JSON, read with the latest version of their type', () => {
  const upgraded = purchaseAtV2();
  const upcast = touchpointUpcaster(upgraded);
  const withLocation = { ...touchpointExamples.purchase, payload: { ...touchpointExamples.purchase.payload, location: 'Tehran, Valiasr' } };

  it('reads one written with v1 as v2 reads it: the renamed field under its new name, the added one at its default', () => {
    const writtenWithV1 = keptAsJson(catalog, withLocation);
    const { location, ...payload } = writtenWithV1.payload as Record<string, unknown>;

    expect(JSON.parse(JSON.stringify(upcast('purchase', writtenWithV1)))).toEqual({ ...writtenWithV1, payload: { ...payload, store: location, giftWrap: false } });
  });

  it('keeps what v2 wrote as it was written', () => {
    const { location: _, ...payload } = withLocation.payload;
    const writtenWithV2 = keptAsJson(upgraded, { ...withLocation, payload: { ...payload, store: 'Shiraz', giftWrap: true } });

    expect(JSON.parse(JSON.stringify(upcast('purchase', writtenWithV2)))).toEqual(writtenWithV2);
  });

  it('returns as they are the data of a type with one version, of no touchpoint type, and what fits no version', () => {
    const visit = keptAsJson(catalog, touchpointExamples.visit);
    const odd = { type: 'purchase', nope: true };

    expect(upcast('visit', visit)).toBe(visit);
    expect(upcast('LoyaltyPointsEarned', { points: 3 })).toEqual({ points: 3 });
    expect(upcast('purchase', odd)).toBe(odd);
  });
});
