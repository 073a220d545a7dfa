import { Type } from 'avsc';
import type { CustomerChange } from '@cdp/feed';

/** For the specs: a schema of the change written here, and a registry that serves it. */
export const REGISTRY_URL = 'http://registry.test:8081/';
const SCHEMA_ID = 42;

const fromTo = { type: 'record', name: 'FromTo', fields: [{ name: 'from', type: ['null', 'string'] }, { name: 'to', type: ['null', 'string'] }] };
export const customerChangeSchema = {
  type: 'record',
  name: 'CustomerChange',
  namespace: 'cdp.feed.v1',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'version', type: 'long' },
    { name: 'changedAt', type: 'string' },
    { name: 'changedFields', type: { type: 'array', items: 'string' } },
    { name: 'mergedInto', type: ['null', 'string'] },
    { name: 'segment', type: ['null', fromTo] },
    { name: 'tier', type: ['null', 'FromTo'] },
    {
      name: 'state',
      type: [
        'null',
        {
          type: 'record',
          name: 'CustomerFeedState',
          fields: [
            { name: 'customerId', type: 'string' },
            { name: 'version', type: 'long' },
            { name: 'changedAt', type: 'string' },
            { name: 'mergedInto', type: ['null', 'string'] },
            { name: 'profile', type: ['null', { type: 'map', values: 'string' }] },
            { name: 'loyalty', type: ['null', { type: 'record', name: 'FeedLoyaltySummary', fields: [{ name: 'available', type: 'long' }, { name: 'tier', type: 'string' }] }] },
            {
              name: 'rfm',
              type: [
                'null',
                {
                  type: 'record',
                  name: 'FeedRfmStanding',
                  fields: [
                    { name: 'segment', type: 'string' },
                    { name: 'r', type: 'int' },
                    { name: 'f', type: 'int' },
                    { name: 'm', type: 'int' },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

export const segmentChange: CustomerChange = {
  eventId: '0b7f2c1e-8d1c-4c6e-9a39-3f1c2d4e5f60',
  type: 'CustomerSegmentChanged',
  customerId: 'cus_1',
  version: 7,
  changedAt: '2026-11-23T00:00:01.000Z',
  changedFields: [],
  mergedInto: null,
  segment: { from: 'Loyal', to: 'Champions' },
  tier: null,
  state: {
    customerId: 'cus_1',
    version: 7,
    changedAt: '2026-11-23T00:00:01.000Z',
    mergedInto: null,
    profile: null,
    loyalty: { available: 1250, tier: 'Gold' },
    rfm: { segment: 'Champions', r: 5, f: 5, m: 4 },
  },
};

/** The Confluent wire format: a zero byte, the schema id big-endian, the Avro binary. */
export function confluentMessage(change: CustomerChange, schemaId = SCHEMA_ID): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, Type.forSchema(customerChangeSchema as never).toBuffer(change)]);
}

export function fakeRegistry(schemas: Record<number, object> = { [SCHEMA_ID]: customerChangeSchema }) {
  return jest.fn(async (input: string | URL | Request): Promise<Response> => {
    const id = Number(String(input).split('/').pop());
    const schema = schemas[id];
    return schema === undefined
      ? Response.json({ error_code: 40403, message: `Schema ${id} not found` }, { status: 404 })
      : Response.json({ schema: JSON.stringify(schema) });
  });
}
