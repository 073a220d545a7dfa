import { DEFAULT_SCHEMAS_DIR, loadSchemaCatalog, readSchemaSources } from '../catalog/load-schema-catalog';
import { SchemaCatalog } from '../catalog/schema-catalog';
import { readTouchpoint } from '../touchpoint/read-touchpoint';
import { touchpointExamples } from '../touchpoint/touchpoint-examples';
import { touchpointUpcaster } from './touchpoint-upcaster';

const catalog = loadSchemaCatalog();
const arrival = { eventId: '11111111-2222-4333-8444-555555555555', receivedAt: '2026-11-23T08:00:00.000Z' };

/** The shipped purchase at v1, and a v2 that renames location to store and adds giftWrap with a default. */
function purchaseAtV2(): SchemaCatalog {
  const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
  const v1 = sources.touchpoints.purchase.payloads.v1 as { fields: { name: string }[] };
  const renamed = v1.fields.map((field) => (field.name === 'location' ? { ...field, name: 'store', aliases: ['location'] } : field));
  const v2 = { ...v1, fields: [...renamed, { name: 'giftWrap', type: 'boolean', default: false }] };
  const id = Math.max(...sources.ids.map((entry) => entry.id)) + 1;
  return new SchemaCatalog({
    ...sources,
    touchpoints: { ...sources.touchpoints, purchase: { ...sources.touchpoints.purchase, payloads: { v1, v2 } } },
    ids: [...sources.ids, { id, schema: 'touchpoints/purchase', payload: 'v2', envelope: 'v1' }],
  });
}

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
