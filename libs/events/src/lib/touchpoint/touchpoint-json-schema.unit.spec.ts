import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { DEFAULT_SCHEMAS_DIR, loadSchemaCatalog } from '../catalog/load-schema-catalog';
import type { SchemaCatalog } from '../catalog/schema-catalog';
import { readTouchpoint } from './read-touchpoint';
import { touchpointExamples } from './touchpoint-examples';
import { touchpointJsonSchema } from './touchpoint-json-schema';

/** The shipped schemas plus a type `odd` with what the shipped ones lack: a record that holds itself, unions of several types, money and bounds. */
function catalogWithOddType(): SchemaCatalog {
  const dir = mkdtempSync(join(tmpdir(), 'cdp-schemas-'));
  try {
    cpSync(DEFAULT_SCHEMAS_DIR, dir, { recursive: true });
    mkdirSync(join(dir, 'touchpoints', 'odd'));
    const node = { type: 'record', name: 'Node', fields: [{ name: 'label', type: 'string' }, { name: 'next', type: ['null', 'Node'], default: null }] };
    const payload = {
      type: 'record',
      name: 'OddPayload',
      namespace: 'cdp.touchpoints',
      fields: [
        { name: 'chain', type: node },
        { name: 'ref', type: ['null', 'string', 'long'], default: null },
        { name: 'when', type: ['string', { type: 'long', logicalType: 'timestamp-millis' }] },
        { name: 'total', type: 'string' },
        { name: 'currency', type: 'string' },
        { name: 'score', type: ['null', 'int'], default: null },
      ],
    };
    writeFileSync(join(dir, 'touchpoints', 'odd', 'v1.avsc'), JSON.stringify(payload));
    const manifest = { type: 'odd', owner: 'test', compatibility: 'backward', money: [{ amount: 'total', currency: 'currency' }], identifiers: {}, bounds: { score: { min: 0, max: 10 } } };
    writeFileSync(join(dir, 'touchpoints', 'odd', 'manifest.json'), JSON.stringify(manifest));
    const ids = JSON.parse(readFileSync(join(dir, 'schema-ids.json'), 'utf8'));
    ids.ids.push({ id: 990, schema: 'touchpoints/odd', payload: 'v1', envelope: 'v1' });
    writeFileSync(join(dir, 'schema-ids.json'), JSON.stringify(ids));
    return loadSchemaCatalog(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the JSON Schema of a touchpoint type, for the API document', () => {
  const catalog = catalogWithOddType();
  const validatorOf = (type: string) => new Ajv({ allErrors: true, strict: false }).compile(touchpointJsonSchema(catalog, type));
  const takes = (json: object) => readTouchpoint(json, catalog, { eventId: '0b7f2c1e-7d3a-4e8b-9c1d-2f3a4b5c6d7e', receivedAt: '2027-01-01T00:00:00.000Z' }).ok;

  it('validates every example, as the platform takes it', () => {
    for (const [type, example] of Object.entries(touchpointExamples)) {
      const validate = validatorOf(type);
      expect({ type, valid: validate(example), errors: validate.errors }).toMatchObject({ valid: true });
      expect(takes(example)).toBe(true);
    }
  });

  it('describes a record that holds itself without end, unions of several types, money as text or a number, and bounds, agreeing with the platform', () => {
    const validate = validatorOf('odd');
    const base = { type: 'odd', source: 's', occurredAt: '2026-11-20T10:00:00Z', identifiers: { email: 'a@b.co' } };
    const payload = { chain: { label: 'a', next: { label: 'b', next: null } }, when: '2026-01-01T00:00:00Z', total: '1200.50', currency: 'IRR' };
    const cases: [string, object, boolean][] = [
      ['a chain two deep', payload, true],
      ['a ref of null, text or a number', { ...payload, ref: 5 }, true],
      ['a ref as text', { ...payload, ref: 'r-1' }, true],
      ['a total as a JSON number', { ...payload, total: 1200 }, true],
      ['a score within its bounds', { ...payload, score: 10 }, true],
      ['a score past its bounds', { ...payload, score: 11 }, false],
      ['a negative total', { ...payload, total: '-5' }, false],
      ['a field the payload does not have', { ...payload, colour: 'red' }, false],
      ['no total', { ...payload, total: undefined }, false],
    ];
    for (const [what, given, valid] of cases) {
      const touchpoint = JSON.parse(JSON.stringify({ ...base, payload: given }));
      expect({ what, document: validate(touchpoint), platform: takes(touchpoint) }).toEqual({ what, document: valid, platform: valid });
    }
  });

  it('lists the consent channels the platform keeps, each granted or denied', () => {
    const validate = validatorOf('profile_update');
    const update = (consent: object) => ({ ...touchpointExamples.profile_update, consent });
    expect(validate(update({ sms: 'granted', email: 'denied' }))).toBe(true);
    expect(takes(update({ fax: 'granted' }))).toBe(false);
    expect(validate(update({ fax: 'granted' }))).toBe(false);
  });
});
