import fc from 'fast-check';
import { parseAvroSchema } from '../avro/iso-logical-types';
import { compatibilityProblems } from './schema-compatibility';

type Schema = string | Schema[] | { [key: string]: unknown };

const PRIMITIVES: Schema[] = [
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
  { type: 'string', logicalType: 'uuid' },
  { type: 'long', logicalType: 'timestamp-millis' },
  { type: 'int', logicalType: 'date' },
];

/** Named types are generated as "?" and numbered afterwards, so that every name is defined once. */
const { record } = fc.letrec<{ type: Schema; enum: Schema; optional: Schema; record: Schema }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(...PRIMITIVES),
    tie('enum'),
    tie('optional'),
    tie('type').map((items) => ({ type: 'array', items })),
    tie('type').map((values) => ({ type: 'map', values })),
    tie('record'),
  ),
  enum: fc
    .tuple(fc.uniqueArray(fc.constantFrom('A', 'B', 'C', 'D'), { minLength: 1 }), fc.boolean())
    .map(([symbols, withDefault]) => ({ type: 'enum', name: '?', symbols, ...(withDefault ? { default: symbols[0] } : {}) })),
  optional: tie('type')
    .filter((type) => type !== 'null' && !Array.isArray(type))
    .map((type) => ['null', type]),
  record: fc
    .uniqueArray(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd', 'e'), type: tie('type') }), { selector: (field) => field.name, maxLength: 4 })
    .map((fields) => ({ type: 'record', name: '?', fields: fields.map((field) => (Array.isArray(field.type) ? { ...field, default: null } : field)) })),
}));

function numberNames(schema: Schema): Schema {
  let count = 0;
  const visit = (node: Schema): Schema => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node === 'string') return node;
    const named = node.name === '?' ? { ...node, name: `T${++count}` } : node;
    if (Array.isArray(named.fields)) return { ...named, fields: named.fields.map((field: { type: Schema }) => ({ ...field, type: visit(field.type) })) };
    if (named.items) return { ...named, items: visit(named.items as Schema) };
    if (named.values) return { ...named, values: visit(named.values as Schema) };
    return named;
  };
  return visit(schema);
}

const avroRecord = record.map(numberNames) as fc.Arbitrary<object>;

describe('schema compatibility: properties', () => {
  it('any schema is fully compatible with itself', () => {
    fc.assert(fc.property(avroRecord, (schema) => expect(compatibilityProblems(schema, schema, 'full')).toEqual([])));
  });

  it('finds problems exactly when avsc cannot read, and explains each one with a message', () => {
    fc.assert(
      fc.property(avroRecord, avroRecord, (previous, next) => {
        const readable = (() => {
          try {
            parseAvroSchema(next).createResolver(parseAvroSchema(previous));
            return true;
          } catch {
            return false;
          }
        })();
        const problems = compatibilityProblems(previous, next, 'backward');
        expect(problems.length === 0).toBe(readable);
        for (const problem of problems) expect(problem.message).not.toMatch(/cannot read what was written/);
      }),
    );
  });
});
