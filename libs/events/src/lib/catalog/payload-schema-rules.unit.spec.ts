import { checkSchemaFolder } from '../compatibility/schema-folder-check';
import { DEFAULT_SCHEMAS_DIR, readSchemaSources } from './load-schema-catalog';
import { SchemaCatalog } from './schema-catalog';
import type { SchemaSources } from './schema-sources';

const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
const nextId = Math.max(...sources.ids.map((entry) => entry.id)) + 1;

type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };
const payload = (...fields: Field[]) => ({ type: 'record', name: 'CarPayload', namespace: 'cdp.touchpoints', fields });

/** The repository's sources plus a `car` type with these payloads published as v1, v2, … */
function withCar(...payloads: object[]): SchemaSources {
  const manifest = { type: 'car', owner: 'qa', compatibility: 'backward' as const, money: [], identifiers: {}, channel: null, columns: [], bounds: {} };
  const versions = Object.fromEntries(payloads.map((p, i) => [`v${i + 1}`, p]));
  const ids = payloads.map((_, i) => ({ id: nextId + i, schema: 'touchpoints/car', payload: `v${i + 1}`, envelope: 'v1' }));
  return { ...sources, touchpoints: { ...sources.touchpoints, car: { manifest, payloads: versions } }, ids: [...sources.ids, ...ids] };
}

/** The catalog and `cdp schema check` refuse alike. */
function expectRefused(bad: SchemaSources, message: RegExp): void {
  expect(() => new SchemaCatalog(bad)).toThrow(message);
  expect(() => checkSchemaFolder(bad)).toThrow(message);
}

describe('payload schema rules', () => {
  const plate: Field = { name: 'plate', type: 'string' };
  const renamed: Field = { name: 'licencePlate', type: 'string', aliases: ['plate'] };
  const newPlate: Field = { name: 'plate', type: ['null', 'string'], default: null };

  it('takes a renamed field whose alias no other field answers to', () => {
    expect(new SchemaCatalog(withCar(payload(plate), payload(renamed))).latest('car')?.id).toBe(nextId + 1);
  });

  it('refuses a new field named like an alias of another, which would read the old values into both', () => {
    expectRefused(
      withCar(payload(plate), payload(renamed), payload(renamed, newPlate)),
      /^schemas\/touchpoints\/car\/v3\.avsc: record cdp\.touchpoints\.CarPayload \(payload\): the fields "licencePlate" and "plate" both answer to "plate" .*: give the newer field another name$/,
    );
  });

  it('refuses two fields with one alias, in a nested record too', () => {
    const nested = { name: 'owner', type: { type: 'record', name: 'CarOwner', fields: [{ name: 'fullName', type: 'string', aliases: ['name'] }, { name: 'nickname', type: 'string', aliases: ['name'] }] } };
    expectRefused(withCar(payload(plate, nested)), /^schemas\/touchpoints\/car\/v1\.avsc: record cdp\.touchpoints\.CarOwner \(payload\.owner\): the fields "fullName" and "nickname" both answer to "name"/);
  });

  it.each([
    ['a bytes field', { name: 'photo', type: 'bytes' }, 'payload.photo is of the Avro type bytes'],
    ['bytes in a union', { name: 'photo', type: ['null', 'bytes'], default: null }, 'payload.photo is of the Avro type bytes'],
    ['fixed in a list', { name: 'hashes', type: { type: 'array', items: { type: 'fixed', name: 'Md5', size: 16 } } }, 'payload.hashes[] is of the Avro type fixed'],
    ['bytes in a map', { name: 'scans', type: { type: 'map', values: 'bytes' } }, 'payload.scans{} is of the Avro type bytes'],
    ['bytes in a nested record', { name: 'papers', type: { type: 'record', name: 'CarPapers', fields: [{ name: 'scan', type: 'bytes' }] } }, 'payload.papers.scan is of the Avro type bytes'],
  ])('refuses %s, which no touchpoint could be ingested with', (_, field, located) => {
    expectRefused(withCar(payload(plate, field)), new RegExp(`^schemas/touchpoints/car/v1\\.avsc: ${located.replace(/[.[\]{}]/g, '\\$&')}, which JSON input cannot carry, .*: make it a string \\(base64 text, for example\\)$`));
  });
});
