import { loadSchemaCatalog } from '../catalog/load-schema-catalog';
import { readTouchpoint } from '../touchpoint/read-touchpoint';
import { touchpointExamples } from '../touchpoint/touchpoint-examples';
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
    expect(() => codec.decode(Buffer.from([0, 0, 0, 3, 231, 1]))).toThrow(/schema id 999 is not in schemas/);
    expect(() => codec.decode(Buffer.from([0, 0, 0, 0, 7, 1]))).toThrow(/schema id 7 is of cdp.customer-profiles.v1-value, not a touchpoint schema/);
  });
});
