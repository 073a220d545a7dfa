import type { Type } from 'avsc';
import type { SchemaCatalog } from '../catalog/schema-catalog';
import { join, type MoneyPaths } from './avro-json-reader';
import { moneyPathsOf } from './read-touchpoint';

/** A JSON Schema as OpenAPI 3.0 writes one (`nullable`, no type lists). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * What `readTouchpoint` takes for a type, as a JSON Schema: the latest version of its Avro schema,
 * read as the platform reads JSON (instants and dates as text, money as decimal text, fields with a
 * default optional, unknown fields refused), less `receivedAt`, which the platform sets, and with
 * `eventId` optional. For an API document: a client generated from it sends what the platform takes.
 */
export function touchpointJsonSchema(catalog: SchemaCatalog, touchpointType: string): JsonSchema {
  const latest = catalog.latest(touchpointType);
  if (!latest) throw new Error(`no touchpoint type "${touchpointType}" in the catalog`);
  const schema = schemaOf(latest.type, moneyPathsOf(catalog, touchpointType), '') as { properties: Record<string, JsonSchema>; required: string[] };
  const { receivedAt: _receivedAt, ...properties } = schema.properties;
  return {
    ...schema,
    properties: { ...properties, type: { type: 'string', enum: [touchpointType] }, eventId: { type: 'string', format: 'uuid', description: 'the idempotency key; one is made when absent' } },
    required: schema.required.filter((name) => name !== 'receivedAt' && name !== 'eventId'),
  };
}

function schemaOf(type: Type, money: MoneyPaths, shape: string | null): JsonSchema {
  if (shape !== null && money.amounts.has(shape)) return { type: 'string', pattern: '^\\d+(\\.\\d+)?$', description: 'a decimal amount (a JSON number is taken too, exactly)', example: '300000' };
  if (shape !== null && money.currencies.has(shape)) return { type: 'string', pattern: '^[A-Z]{3}$', description: 'an ISO 4217 currency code', example: 'IRR' };
  const name = type.typeName;
  const doc = (type as unknown as { doc?: string }).doc;
  switch (name) {
    case 'logical:timestamp-millis':
      return { type: 'string', format: 'date-time', description: 'an ISO 8601 instant with its zone' };
    case 'logical:date':
      return { type: 'string', format: 'date' };
    case 'null':
      return { nullable: true, enum: [null] };
    case 'string':
    case 'logical:uuid':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'int':
      return { type: 'integer', format: 'int32' };
    case 'long':
      return { type: 'integer', format: 'int64' };
    case 'float':
    case 'double':
      return { type: 'number' };
    case 'enum':
      return { type: 'string', enum: (type as unknown as { symbols: string[] }).symbols };
    case 'array':
      return { type: 'array', items: schemaOf((type as unknown as { itemsType: Type }).itemsType, money, shape === null ? null : `${shape}[]`) };
    case 'map':
      return { type: 'object', additionalProperties: schemaOf((type as unknown as { valuesType: Type }).valuesType, money, null) };
    case 'record': {
      const fields = (type as unknown as { fields: { name: string; type: Type; defaultValue(): unknown; doc?: string }[] }).fields;
      const properties = Object.fromEntries(
        fields.map((field) => {
          const schema = schemaOf(field.type, money, shape === null ? null : join(shape, field.name));
          return [field.name, field.doc ? { ...schema, description: field.doc } : schema];
        }),
      );
      const isMoney = (field: string) => shape !== null && (money.amounts.has(join(shape, field)) || money.currencies.has(join(shape, field)));
      const required = fields.filter((field) => field.defaultValue() === undefined || isMoney(field.name)).map((field) => field.name);
      return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false, ...(doc ? { description: doc } : {}) };
    }
    default: {
      const branches = (type as unknown as { types: Type[] }).types;
      const others = branches.filter((branch) => branch.typeName !== 'null');
      const nullable = others.length < branches.length;
      if (others.length === 1) return { ...schemaOf(others[0], money, shape), ...(nullable ? { nullable: true } : {}) };
      return { oneOf: others.map((branch) => schemaOf(branch, money, shape)), ...(nullable ? { nullable: true } : {}) };
    }
  }
}
