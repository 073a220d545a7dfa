import { DEFAULT_SCHEMAS_DIR, loadSchemaCatalog, readSchemaSources } from '../catalog/load-schema-catalog';
import { SchemaCatalog } from '../catalog/schema-catalog';
import { readTouchpoint } from '../touchpoint/read-touchpoint';
import { touchpointExamples } from '../touchpoint/touchpoint-examples';
import { frameConfluent } from './confluent-wire-format';
import { touchpointCodec } from './touchpoint-codec';

const catalog = loadSchemaCatalog();
const codec = touchpointCodec(catalog);

describe('touchpoint codec (Confluent wire format)', () => {
  it.each(Object.values(touchpointExamples))('round-trips a $type touchpoint exactly', (sample) => {
    const read = readTouchpoint(sample, catalog, { eventId: '11111111-2222-4333-8444-555555555555', receivedAt: '2026-11-23T08:00:00.000Z' });
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    const bytes = codec.encode({ type: read.value.type, data: read.value });

    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(catalog.latest(read.value.type)!.id);
    expect(codec.decode(bytes)).toEqual({ type: read.value.type, data: read.value });
  });

  it('refuses bytes without the magic byte, unknown schema ids, and schema ids of other topics', () => {
    expect(() => codec.decode(Buffer.from('{"json":true}'))).toThrow(/Confluent wire format/);
    expect(() => codec.decode(Buffer.from([0, 0, 0, 3, 231, 1]))).toThrow(
      /^schema id 999 is not in the schemas\/schema-ids\.json this process loaded: .* Restart this process with the schemas folder that holds id 999 \(CDP_SCHEMAS_DIR\); it retries until then\. Never remove a touchpoint type whose touchpoints are in the log/,
    );
    expect(() => codec.decode(Buffer.from([0, 0, 0, 0, 7, 1]))).toThrow(/schema id 7 is of cdp.customer-profiles.v1-value, not a touchpoint schema/);
  });

  it("round-trips a profile_update's withdrawals (null values, payload v2), and reads one written with v1 as v2 does", () => {
    const context = { eventId: '11111111-2222-4333-8444-555555555555', receivedAt: '2026-11-23T08:00:00.000Z' };
    const withdrawal = readTouchpoint({ ...touchpointExamples.profile_update, payload: { preferences: { sauce: null, table: 'window' }, importantDates: { passportExpiry: null } } }, catalog, context);
    if (!withdrawal.ok) throw new Error(JSON.stringify(withdrawal.errors));
    expect(codec.decode(codec.encode({ type: 'profile_update', data: withdrawal.value })).data).toEqual(withdrawal.value);

    const told = readTouchpoint(touchpointExamples.profile_update, catalog, context);
    if (!told.ok) throw new Error(JSON.stringify(told.errors));
    const latest = catalog.latest('profile_update')!;
    const [v1] = catalog.versions(latest.subject);
    expect(v1.id).not.toBe(latest.id);
    expect(codec.decode(frameConfluent(v1.id, v1.type.toBuffer(told.value))).data).toEqual(told.value);
  });

  it('reads events written with v1 after the type moved to v2 with a new optional field, by schema resolution', () => {
    const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
    const v1 = sources.touchpoints.purchase.payloads.v1 as { fields: object[] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'giftWrap', type: ['null', 'boolean'], default: null }] };
    const id = Math.max(...sources.ids.map((entry) => entry.id)) + 1;
    const upgraded = new SchemaCatalog({
      ...sources,
      touchpoints: { ...sources.touchpoints, purchase: { ...sources.touchpoints.purchase, payloads: { v1, v2 } } },
      ids: [...sources.ids, { id, schema: 'touchpoints/purchase', payload: 'v2', envelope: 'v1' }],
    });
    const read = readTouchpoint(touchpointExamples.purchase, catalog, { eventId: '11111111-2222-4333-8444-555555555555', receivedAt: '2026-11-23T08:00:00.000Z' });
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    const writtenWithV1 = codec.encode({ type: 'purchase', data: read.value });

    expect(upgraded.latest('purchase')!.id).toBe(id);
    expect(touchpointCodec(upgraded).decode(writtenWithV1)).toEqual({ type: 'purchase', data: { ...read.value, payload: { ...read.value.payload, giftWrap: null } } });
    const writtenWithV2 = touchpointCodec(upgraded).encode({ type: 'purchase', data: { ...read.value, payload: { ...read.value.payload, giftWrap: true } } });
    expect(writtenWithV2.readInt32BE(1)).toBe(id);
    expect(touchpointCodec(upgraded).decode(writtenWithV2).data).toMatchObject({ payload: { giftWrap: true, amount: '300000' } });
  });
});
