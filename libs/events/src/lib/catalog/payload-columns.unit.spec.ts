import { DEFAULT_SCHEMAS_DIR, readSchemaSources } from './load-schema-catalog';
import { SchemaCatalog } from './schema-catalog';
import type { SchemaSources } from './schema-sources';
import { readTouchpoint } from '../touchpoint/read-touchpoint';

const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
const nextId = Math.max(...sources.ids.map((entry) => entry.id)) + 1;

const probePayload = {
  type: 'record',
  name: 'ProbePayload',
  namespace: 'cdp.touchpoints',
  fields: [
    { name: 'score', type: ['null', 'int'], default: null },
    { name: 'ratio', type: 'double' },
    { name: 'label', type: 'string', aliases: ['title'] },
    { name: 'mood', type: { type: 'enum', name: 'ProbeMood', symbols: ['calm', 'angry'] }, default: 'calm' },
    { name: 'flag', type: 'boolean', default: false },
    { name: 'hint', type: ['string', 'null'], default: 'none' },
    { name: 'remark', type: 'string', default: '' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'lines', type: { type: 'array', items: { type: 'record', name: 'ProbeLine', fields: [{ name: 'price', type: 'string' }, { name: 'discount', type: ['null', 'string'], default: null }, { name: 'count', type: 'int', default: 1 }] } }, default: [] },
    { name: 'extras', type: ['null', { type: 'array', items: 'ProbeLine' }], default: null },
  ],
};

/** The repository's sources plus a `probe` type with this manifest and these views. */
function withProbe(manifest: object, views?: Record<string, string>): SchemaSources {
  const probe = { manifest: { type: 'probe', owner: 'qa', compatibility: 'backward', money: [], identifiers: {}, channel: null, columns: [], bounds: {}, ...manifest }, payloads: { v1: probePayload }, views };
  return { ...sources, touchpoints: { ...sources.touchpoints, probe } as SchemaSources['touchpoints'], ids: [...sources.ids, { id: nextId, schema: 'touchpoints/probe', payload: 'v1', envelope: 'v1' }] };
}

describe('payload columns and bounds of a manifest', () => {
  it('reads each column as its Avro type says, unwrapping a union with null, with its former names and the default of a field that cannot be null', () => {
    const catalog = new SchemaCatalog(withProbe({ columns: ['score', 'ratio', 'label', 'mood', 'flag', 'hint', 'at'] }));

    expect(catalog.payloadColumns('probe')).toEqual([
      { name: 'score', kind: 'integer', formerNames: [], absentAs: null },
      { name: 'ratio', kind: 'float', formerNames: [], absentAs: null },
      { name: 'label', kind: 'text', formerNames: ['title'], absentAs: null },
      { name: 'mood', kind: 'text', formerNames: [], absentAs: 'calm' },
      { name: 'flag', kind: 'boolean', formerNames: [], absentAs: 'false' },
      // Sent as null, a nullable field is absent too: its default would be a guess.
      { name: 'hint', kind: 'text', formerNames: [], absentAs: null },
      { name: 'at', kind: 'text', formerNames: [], absentAs: null },
    ]);
  });

  it.each([
    ['a column that is no payload field', { columns: ['nope'] }, /probe\/manifest\.json: column "nope" is no top-level field of the payload's latest version/],
    ['a column of a list', { columns: ['tags'] }, /column "tags" must be a top-level payload field of a scalar type/],
    ['bounds of a text field', { bounds: { label: { min: 1 } } }, /bounds of "label" need a numeric payload field/],
    ['bounds of a text field in a list', { bounds: { 'lines[].price': { min: 1 } } }, /bounds of "lines\[\]\.price" need a numeric payload field/],
  ])('refuses %s, saying where', (_, manifest, message) => {
    expect(() => new SchemaCatalog(withProbe(manifest))).toThrow(message);
  });

  it('serves the views a type ships, and refuses a view name two types ship', () => {
    const catalog = new SchemaCatalog(withProbe({}, { probe_daily: 'SELECT 1' }));
    expect(catalog.sourceViews()).toEqual(expect.arrayContaining([{ name: 'probe_daily', touchpointType: 'probe', select: 'SELECT 1' }]));

    const twice = withProbe({}, { probe_daily: 'SELECT 1' });
    const purchase = { ...twice.touchpoints.purchase, views: { probe_daily: 'SELECT 2' } };
    expect(() => new SchemaCatalog({ ...twice, touchpoints: { ...twice.touchpoints, purchase } })).toThrow(/probe\/views\/probe_daily\.sql: the view name is taken by schemas\/touchpoints\/purchase\/views/);
  });

  it('refuses at ingestion a number outside its bounds, located, and takes one inside', () => {
    const catalog = new SchemaCatalog(withProbe({ bounds: { score: { min: 0, max: 10 }, ratio: { max: 1 } } }));
    const body = (payload: object) => ({
      type: 'probe',
      source: 'qa',
      occurredAt: '2026-11-20T10:15:00Z',
      identifiers: { email: 'a@b.co' },
      payload: { ratio: 0.5, label: 'x', mood: 'calm', flag: true, at: '2026-11-20T10:15:00Z', tags: [], ...payload },
    });
    const read = (payload: object) => readTouchpoint(body(payload), catalog, { eventId: '0b7f2c1e-0000-4000-8000-000000000001', receivedAt: '2026-11-21T00:00:00.000Z' });

    expect(read({ score: 11, ratio: 1.5 })).toEqual({
      ok: false,
      errors: [
        { path: 'payload.score', message: 'must be from 0 to 10, not 11' },
        { path: 'payload.ratio', message: 'must be at most 1, not 1.5' },
      ],
    });
    expect(read({ score: 10 }).ok).toBe(true);
    expect(read({ score: null }).ok).toBe(true);
  });

  it('bounds a number inside lists, each located', () => {
    const catalog = new SchemaCatalog(withProbe({ bounds: { 'lines[].count': { min: 1 } } }));
    const read = (lines: object[]) =>
      readTouchpoint(
        { type: 'probe', source: 'qa', occurredAt: '2026-11-20T10:15:00Z', identifiers: { email: 'a@b.co' }, payload: { ratio: 0.5, label: 'x', at: '2026-11-20T10:15:00Z', tags: [], lines } },
        catalog,
        { eventId: '0b7f2c1e-0000-4000-8000-000000000001', receivedAt: '2026-11-21T00:00:00.000Z' },
      );

    expect(read([{ price: '1', count: 2 }, { price: '1', count: 0 }, { price: '1', count: -3 }])).toEqual({
      ok: false,
      errors: [
        { path: 'payload.lines[1].count', message: 'must be at least 1, not 0' },
        { path: 'payload.lines[2].count', message: 'must be at least 1, not -3' },
      ],
    });
    expect(read([{ price: '1' }, { price: '1', count: 5 }]).ok).toBe(true);
  });
});

describe('identifiers and channel of a manifest', () => {
  it('takes text fields of the payload, nullable or enums, mapped to identifier types', () => {
    expect(() => new SchemaCatalog(withProbe({ identifiers: { label: 'email', hint: 'deviceId' }, channel: { field: 'mood' } }))).not.toThrow();
  });

  it.each([
    ['an identifier type that does not exist', { identifiers: { label: 'emial' } }, /probe\/manifest\.json: identifiers: "label" maps to "emial", which is not an identifier type \(customerId, email/],
    ['an identifier field the payload lacks', { identifiers: { requesterMail: 'email' } }, /identifiers: "requesterMail" must be a top-level payload field of type string or enum/],
    ['an identifier field that is a number', { identifiers: { score: 'phone' } }, /identifiers: "score" must be a top-level payload field of type string or enum/],
    ['an identifier field inside a list', { identifiers: { 'lines[].price': 'deviceId' } }, /identifiers: "lines\[\]\.price" must be a top-level payload field/],
    ['a channel field the payload lacks', { channel: { field: 'chanel' } }, /channel: "chanel" must be a top-level payload field of type string or enum \(or one of those or null\) in the latest schema version/],
    ['a channel field that is a number', { channel: { field: 'score' } }, /channel: "score" must be a top-level payload field/],
  ])('refuses %s, saying where', (_, manifest, message) => {
    expect(() => new SchemaCatalog(withProbe(manifest))).toThrow(message);
  });
});

describe('money fields of a manifest', () => {
  it('takes required string fields, in lists too, and in lists that may be null', () => {
    expect(() =>
      new SchemaCatalog(withProbe({ money: [{ amount: 'label', currency: 'label' }, { amount: 'lines[].price', currency: 'label' }, { amount: 'extras[].price', currency: 'label' }] })),
    ).not.toThrow();
  });

  it.each([
    ['a field that may be null', 'score', /money field "score" must be a string that cannot be null and has no default/],
    ['a field with a default', 'remark', /money field "remark" must be a string that cannot be null and has no default/],
    ['a field that is not a string', 'mood', /money field "mood" must be a string/],
    ['a field in a list that may be null', 'lines[].discount', /money field "lines\[\]\.discount" must be a string/],
    ['no field at all', 'total', /probe\/manifest\.json: money field "total" is not a field of the payload/],
    ['a list without its items', 'lines[]', /money field "lines\[\]" is not a field of the payload/],
  ])('refuses %s, saying where', (_, amount, message) => {
    expect(() => new SchemaCatalog(withProbe({ money: [{ amount, currency: 'label' }] }))).toThrow(message);
  });
});
