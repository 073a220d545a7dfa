import type { Type } from 'avsc';
import { SchemaCatalog } from '../lib/catalog/schema-catalog';
import { CODED_TOUCHPOINT_TYPES } from './coded-touchpoint-types';

interface Field {
  name: string;
  type: Type;
  doc?: string;
}

/**
 * TypeScript declarations for the latest schema of each touchpoint type the code reads by name,
 * so the types are derived from schemas/ and never written by hand. Values are in the canonical in-memory form:
 * timestamps and dates are ISO strings (see iso-logical-types.ts).
 */
export function touchpointTypesSource(catalog: SchemaCatalog, types: readonly string[] = CODED_TOUCHPOINT_TYPES): string {
  const declarations = new Map<string, string>();
  const touchpoints = types.map((t) => {
    const latest = catalog.latest(t);
    if (!latest) throw new Error(`touchpoint type "${t}" is read by the code, but schemas/touchpoints/${t} is missing`);
    return latest;
  });
  const envelopeFields = fieldsOf(touchpoints[0].type).filter((f) => f.name !== 'payload');

  const tsType = (type: Type): string => {
    const name = type.typeName;
    if (name === 'logical:timestamp-millis') return 'string';
    if (name === 'logical:date') return 'string';
    if (['int', 'long', 'float', 'double'].includes(name)) return 'number';
    if (['string', 'boolean', 'null'].includes(name)) return name;
    if (name === 'bytes' || name === 'fixed') return 'Buffer';
    if (name === 'array') return `readonly ${parenthesise(tsType((type as unknown as { itemsType: Type }).itemsType))}[]`;
    if (name === 'map') return `Readonly<Record<string, ${tsType((type as unknown as { valuesType: Type }).valuesType)}>>`;
    if (name.startsWith('union')) return (type as unknown as { types: Type[] }).types.map(tsType).join(' | ');
    const shortName = type.name!.split('.').pop()!;
    if (!declarations.has(shortName)) {
      declarations.set(shortName, '');
      declarations.set(
        shortName,
        name === 'enum'
          ? `export type ${shortName} = ${(type as unknown as { symbols: string[] }).symbols.map((s) => `'${s}'`).join(' | ')};`
          : interfaceSource(shortName, fieldsOf(type), tsType),
      );
    }
    return shortName;
  };

  const envelope = interfaceSource('Envelope', envelopeFields, tsType);
  const kinds = touchpoints.map((published) => {
    const shortName = published.type.name!.split('.').pop()!;
    const payload = tsType(fieldsOf(published.type).find((f) => f.name === 'payload')!.type);
    return {
      touchpointType: published.touchpointType,
      shortName,
      source: `export interface ${shortName} extends Envelope {\n  readonly type: '${published.touchpointType}';\n  readonly payload: ${payload};\n}`,
    };
  });

  return [
    '// Generated from schemas/ by `npm run schemas:generate`. Do not edit: change the .avsc files.',
    '',
    envelope,
    ...declarations.values(),
    ...kinds.map((k) => k.source),
    `/** Every touchpoint type the code reads by name; a registered type may be any other. */\nexport type KnownTouchpoint = ${kinds.map((k) => k.shortName).join(' | ')};`,
    `export type KnownTouchpointType = KnownTouchpoint['type'];`,
    '',
  ].join('\n\n').replace(/\n{3,}/g, '\n\n');
}

function interfaceSource(name: string, fields: Field[], tsType: (t: Type) => string): string {
  const lines = fields.map((f) => `${f.doc ? `  /** ${f.doc} */\n` : ''}  readonly ${f.name}: ${tsType(f.type)};`);
  return `export interface ${name} {\n${lines.join('\n')}\n}`;
}

function fieldsOf(type: Type): Field[] {
  const schema = type.schema({ exportAttrs: true }) as { fields: { name: string; doc?: string }[] };
  const docs = new Map(schema.fields.map((f) => [f.name, f.doc]));
  return (type as unknown as { fields: Field[] }).fields.map((f) => ({ name: f.name, type: f.type, doc: docs.get(f.name) }));
}

function parenthesise(source: string): string {
  return source.includes(' ') ? `(${source})` : source;
}
