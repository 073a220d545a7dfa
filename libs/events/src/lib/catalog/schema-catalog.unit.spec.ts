import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from 'avsc';
import { DEFAULT_SCHEMAS_DIR, loadSchemaCatalog, readSchemaSources } from './load-schema-catalog';
import type { FeedSchemaId } from './feed-schema';
import { SchemaCatalog } from './schema-catalog';
import type { SchemaSources } from './schema-sources';

const PROFILES_SUBJECT = 'cdp.customer-profiles.v1-value';
const EVENTS_SUBJECT = 'cdp.customer-events.v1-value';

const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
const stateV1 = sources.feed['customer-state'].v1 as { fields: object[] };

/** The repository's sources plus these feed schema versions and schema-ids.json entries, valid or not. */
function withFeed(feed: Record<string, Record<string, object>>, ...ids: object[]): SchemaSources {
  const merged = { ...sources.feed, ...Object.fromEntries(Object.entries(feed).map(([name, versions]) => [name, { ...sources.feed[name], ...versions }])) };
  return { ...sources, feed: merged, ids: [...sources.ids, ...(ids as FeedSchemaId[])] };
}

describe('schema catalog', () => {
  const catalog = loadSchemaCatalog();

  it('passes over hidden folders among the types, and names a type folder without its manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdp-schemas-'));
    try {
      cpSync(DEFAULT_SCHEMAS_DIR, dir, { recursive: true });
      mkdirSync(join(dir, 'touchpoints', '.cache'));
      mkdirSync(join(dir, 'feed', '.backup'));
      cpSync(join(dir, 'feed', 'customer-state', 'v1.avsc'), join(dir, 'feed', '.backup', 'v1.avsc'));
      expect(loadSchemaCatalog(dir).touchpointTypes()).toEqual(catalog.touchpointTypes());
      mkdirSync(join(dir, 'touchpoints', 'stray_type'));
      expect(() => loadSchemaCatalog(dir)).toThrow(new RegExp(`^schemas/touchpoints/stray_type holds no manifest\\.json: .*remove the folder or add them \\(schemas/ here is ${dir}\\)$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('publishes touchpoint schemas under the touchpoint topic, by type', () => {
    expect(catalog.byId(1)).toMatchObject({ kind: 'touchpoint', touchpointType: 'purchase', subject: 'cdp.touchpoints.v1-cdp.touchpoints.Purchase', version: 1 });
    expect(catalog.latest('purchase')?.id).toBe(1);
  });

  it('publishes the change feed schemas under their topics value subjects', () => {
    expect(catalog.byId(7)).toMatchObject({ kind: 'feed', subject: PROFILES_SUBJECT, version: 1 });
    expect(catalog.byId(8)).toMatchObject({ kind: 'feed', subject: EVENTS_SUBJECT, version: 1 });
    // Every touchpoint type's subject besides: the types a deployment adds (docs/adding-a-source.md) count too.
    expect(catalog.subjects().filter((subject) => !subject.startsWith('cdp.touchpoints.v1-'))).toEqual([EVENTS_SUBJECT, PROFILES_SUBJECT]);
    expect(catalog.versions(EVENTS_SUBJECT).map((v) => v.id)).toEqual([8]);
    expect(catalog.latestOf(PROFILES_SUBJECT)?.id).toBe(7);
    expect(catalog.latestOf('cdp.unknown-value')).toBeUndefined();
    expect(catalog.latest('customer-state')).toBeUndefined();
  });

  it('holds every shipped version sealed, and refuses a version whose files no longer match its fingerprint', () => {
    expect(catalog.unsealed()).toEqual([]);
    const v2 = { ...stateV1, fields: [...stateV1.fields, { name: 'region', type: ['null', 'string'], default: null }] };
    const unsealed = new SchemaCatalog(withFeed({ 'customer-state': { v2 } }, { id: 900, schema: 'feed/customer-state', version: 'v2', subject: PROFILES_SUBJECT }));
    const [{ id, fingerprint }] = unsealed.unsealed();
    expect([id, fingerprint]).toEqual([900, expect.stringMatching(/^sha256:[0-9a-f]{16}$/)]);

    const sealed = { id: 900, schema: 'feed/customer-state', version: 'v2', subject: PROFILES_SUBJECT, fingerprint };
    expect(new SchemaCatalog(withFeed({ 'customer-state': { v2 } }, sealed)).unsealed()).toEqual([]);
    const described = { ...v2, doc: 'a description corrected later' };
    expect(() => new SchemaCatalog(withFeed({ 'customer-state': { v2: described } }, sealed))).not.toThrow();
    const edited = { ...v2, fields: [...v2.fields.slice(0, -1), { name: 'region', type: ['null', 'string'], default: null, aliases: ['area'] }] };
    expect(() => new SchemaCatalog(withFeed({ 'customer-state': { v2: edited } }, sealed))).toThrow(
      /^schemas\/schema-ids\.json id 900: schemas\/feed\/customer-state\/v2\.avsc \(with what it references\) changed since id 900 was sealed/,
    );
  });

  it('serves the change schema self-contained, with the CustomerState it references inlined', () => {
    const served = JSON.parse(JSON.stringify(catalog.byId(8)!.schema));
    const type = Type.forSchema(served) as unknown as { field(name: string): { type: { types: Type[] } } };

    expect(type.field('state').type.types.map((t) => t.name)).toEqual([undefined, 'cdp.feed.CustomerState']);
    expect(JSON.stringify(served)).toContain(JSON.stringify(catalog.byId(7)!.schema));
  });

  it('publishes a later feed version that reads what the earlier wrote, as the subject latest', () => {
    const v2 = { ...stateV1, fields: [...stateV1.fields, { name: 'region', type: ['null', 'string'], default: null }] };
    const evolved = new SchemaCatalog(withFeed({ 'customer-state': { v2 } }, { id: 900, schema: 'feed/customer-state', version: 'v2', subject: PROFILES_SUBJECT }));

    expect(evolved.versions(PROFILES_SUBJECT).map((v) => [v.id, v.version])).toEqual([[7, 1], [900, 2]]);
    expect(evolved.latestOf(PROFILES_SUBJECT)?.id).toBe(900);
  });

  it.each(['customer-state', 'feed/customer-state'])('takes a feed version that an entry publishes only as what it references (%s)', (referenced) => {
    const v2 = { ...stateV1, fields: [...stateV1.fields, { name: 'region', type: ['null', 'string'], default: null }] };
    const changeV2 = { id: 900, schema: 'feed/customer-change', version: 'v1', subject: EVENTS_SUBJECT, references: { [referenced]: 'v2' } };
    expect(new SchemaCatalog(withFeed({ 'customer-state': { v2 } }, changeV2)).versions(EVENTS_SUBJECT).map((v) => v.id)).toEqual([8, 900]);
  });

  it.each([
    ['an id that is not a positive integer', withFeed({}, { id: 0, schema: 'feed/customer-state', version: 'v1', subject: 'x-value' }), /id 0: "id" must be a positive integer/],
    ['an id used twice', withFeed({}, { id: 7, schema: 'feed/customer-state', version: 'v1', subject: PROFILES_SUBJECT }), /id 7: the id is used twice/],
    ['a schema of no known kind', withFeed({}, { id: 900, schema: 'customer-state' }), /id 900: "schema" must be "touchpoints\/<type>" or "feed\/<name>"/],
    ['a missing version', withFeed({}, { id: 900, schema: 'feed/customer-state', version: 'v7', subject: PROFILES_SUBJECT }), /id 900: no schemas\/feed\/customer-state\/v7\.avsc/],
    ['no subject', withFeed({}, { id: 900, schema: 'feed/customer-state', version: 'v1' }), /id 900: "subject" must name the Confluent subject/],
    [
      'a reference the schema never uses',
      withFeed({}, { id: 900, schema: 'feed/customer-state', version: 'v1', subject: 'x-value', references: { 'feed/customer-change': 'v1' } }),
      /id 900: references feed\/customer-change, but schemas\/feed\/customer-state\/v1\.avsc never uses "cdp\.feed\.CustomerChange"/,
    ],
    ['an unresolved reference', withFeed({}, { id: 900, schema: 'feed/customer-change', version: 'v1', subject: 'x-value' }), /id 900: schemas\/feed\/customer-change\/v1\.avsc is not valid Avro/],
    ['another record under a subject', withFeed({}, { id: 900, schema: 'feed/customer-state', version: 'v1', subject: EVENTS_SUBJECT }), /id 900: subject cdp\.customer-events\.v1-value holds cdp\.feed\.CustomerChange, not cdp\.feed\.CustomerState/],
    [
      'a version that cannot read the earlier ones',
      withFeed({ 'customer-state': { v2: { ...stateV1, fields: [...stateV1.fields, { name: 'region', type: 'string' }] } } }, { id: 900, schema: 'feed/customer-state', version: 'v2', subject: PROFILES_SUBJECT }),
      /id 900: cannot read what id 7 \(cdp\.customer-profiles\.v1-value version 1\) wrote: region: new field without a default/,
    ],
    [
      'a feed version no entry publishes',
      withFeed({ 'customer-state': { v2: stateV1 } }),
      /^schemas\/feed\/customer-state\/v2\.avsc: no entry of schemas\/schema-ids\.json publishes it, so the platform would never use it/,
    ],
    [
      'a draft version no entry publishes, whose manifest already names its new column',
      {
        ...sources,
        touchpoints: {
          ...sources.touchpoints,
          visit: {
            ...sources.touchpoints.visit,
            manifest: { ...sources.touchpoints.visit.manifest, columns: [...sources.touchpoints.visit.manifest.columns, 'note'] },
            payloads: { ...sources.touchpoints.visit.payloads, v2: { type: 'record', name: 'VisitPayload', fields: [{ name: 'note', type: 'string' }] } },
          },
        },
      },
      /^schemas\/touchpoints\/visit\/v2\.avsc: no entry of schemas\/schema-ids\.json publishes it/,
    ],
    [
      'an envelope version no entry publishes',
      { ...sources, envelopes: { ...sources.envelopes, v2: sources.envelopes.v1 } },
      /^schemas\/envelope\/v2\.avsc: no entry of schemas\/schema-ids\.json publishes it/,
    ],
    [
      'a touchpoint version no entry publishes',
      { ...sources, touchpoints: { ...sources.touchpoints, visit: { ...sources.touchpoints.visit, payloads: { ...sources.touchpoints.visit.payloads, v9: { type: 'record', name: 'VisitPayload', fields: [] } } } } },
      /^schemas\/touchpoints\/visit\/v9\.avsc: no entry of schemas\/schema-ids\.json publishes it/,
    ],
  ])('refuses %s, saying where', (_, bad, message) => {
    expect(() => new SchemaCatalog(bad)).toThrow(message);
  });
});
