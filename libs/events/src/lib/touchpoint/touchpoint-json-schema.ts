import type { Type } from 'avsc';
import type { SchemaCatalog } from '../catalog/schema-catalog';
import type { NumericBounds } from '../catalog/touchpoint-manifest';
import { join, type MoneyPaths } from './avro-json-reader';
import { CONSENT_CHANNELS } from './consent-channels';
import { moneyPathsOf } from './read-touchpoint';

/** A JSON Schema as OpenAPI 3.0 writes one (`nullable` beside a `type`, no type lists). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** What the schema of one type is built from: its money and bounds by shape path ("payload.items[].quantity"), and the records being described. */
interface Context {
  readonly money: MoneyPaths;
  readonly bounds: ReadonlyMap<string, NumericBounds>;
  readonly describing: Set<string>;
}

/** JSON's null, as OpenAPI 3.0 can say it: a type, made nullable, that only null fits. */
const NULL: JsonSchema = { type: 'string', nullable: true, enum: [null] };

const STATUSES = ['granted', 'denied'];

/**
 * What `readTouchpoint` takes for a type, as a JSON Schema: the latest version of its Avro schema,
 * read as the platform reads JSON (instants and dates as text, money as a decimal, fields with a
 * default optional, unknown fields refused, the manifest's bounds), less `receivedAt`, which the
 * platform sets, and with `eventId` optional. For an API document: a client generated from it sends
 * what the platform takes. The platform takes a little more (a consent status in any case, a
 * currency in lower case), and refuses a little more (a Solar Hijri date, a touchpoint without any
 * identifier), as docs/ingestion.md says.
 */
export function touchpointJsonSchema(catalog: SchemaCatalog, touchpointType: string): JsonSchema {
  const latest = catalog.latest(touchpointType);
  if (!latest) throw new Error(`no touchpoint type "${touchpointType}" in the catalog`);
  const bounds = Object.entries(catalog.manifest(touchpointType)?.bounds ?? {}).map(([path, range]) => [`payload.${path}`, range] as const);
  const context: Context = { money: moneyPathsOf(catalog, touchpointType), bounds: new Map(bounds), describing: new Set() };
  const schema = schemaOf(latest.type, context, '') as { properties: Record<string, JsonSchema>; required: string[] };
  const { receivedAt: _receivedAt, ...properties } = schema.properties;
  return {
    ...schema,
    properties: { ...properties, type: { type: 'string', enum: [touchpointType] }, eventId: { type: 'string', format: 'uuid', description: 'the idempotency key; one is made when absent' } },
    required: schema.required.filter((name) => name !== 'receivedAt' && name !== 'eventId'),
  };
}

function schemaOf(type: Type, context: Context, shape: string | null): JsonSchema {
  const { money } = context;
  if (shape !== null && money.amounts.has(shape)) {
    return { anyOf: [{ type: 'string', pattern: '^\\d+(\\.\\d+)?$', example: '300000' }, { type: 'number', minimum: 0 }], description: 'a decimal amount: text, or a JSON number, taken exactly' };
  }
  if (shape !== null && money.currencies.has(shape)) return { type: 'string', pattern: '^[A-Za-z]{3}$', description: 'an ISO 4217 currency code', example: 'IRR' };
  if (shape === 'consent' || shape === 'payload.consent') return consentSchema(type);
  const range = shape === null ? undefined : context.bounds.get(shape);
  const bounded = range ? { ...(range.min === undefined ? {} : { minimum: range.min }), ...(range.max === undefined ? {} : { maximum: range.max }) } : {};
  switch (type.typeName) {
    case 'logical:timestamp-millis':
      return { type: 'string', format: 'date-time', description: 'an ISO 8601 instant with its zone' };
    case 'logical:date':
      return { type: 'string', format: 'date' };
    case 'null':
      return NULL;
    case 'string':
    case 'logical:uuid':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'int':
      return { type: 'integer', format: 'int32', ...bounded };
    case 'long':
      return { type: 'integer', format: 'int64', ...bounded };
    case 'float':
    case 'double':
      return { type: 'number', ...bounded };
    case 'enum':
      return { type: 'string', enum: (type as unknown as { symbols: string[] }).symbols };
    case 'array':
      return { type: 'array', items: schemaOf((type as unknown as { itemsType: Type }).itemsType, context, shape === null ? null : `${shape}[]`) };
    case 'map':
      return { type: 'object', additionalProperties: schemaOf((type as unknown as { valuesType: Type }).valuesType, context, null) };
    case 'record':
      return recordSchema(type, context, shape);
    default:
      return unionSchema(type, context, shape);
  }
}

function recordSchema(type: Type, context: Context, shape: string | null): JsonSchema {
  const name = type.name ?? '';
  // A record that holds itself (a list's next node) is described to the depth it first appears, then left open.
  if (context.describing.has(name)) return { type: 'object', description: `a ${name}, as described above` };
  context.describing.add(name);
  try {
    const fields = (type as unknown as { fields: { name: string; type: Type; defaultValue(): unknown; doc?: string }[] }).fields;
    const at = (field: string) => (shape === null ? null : join(shape, field));
    const properties = Object.fromEntries(
      fields.map((field) => {
        const schema = schemaOf(field.type, context, at(field.name));
        return [field.name, field.doc ? { ...schema, description: field.doc } : schema];
      }),
    );
    const isMoney = (field: string) => {
      const path = at(field);
      return path !== null && (context.money.amounts.has(path) || context.money.currencies.has(path));
    };
    const required = fields.filter((field) => field.defaultValue() === undefined || isMoney(field.name)).map((field) => field.name);
    const doc = (type as unknown as { doc?: string }).doc;
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false, ...(doc ? { description: doc } : {}) };
  } finally {
    context.describing.delete(name);
  }
}

/** The reader takes the first branch a value fits, so branches may overlap (text and an instant): anyOf, not oneOf. */
function unionSchema(type: Type, context: Context, shape: string | null): JsonSchema {
  const branches = (type as unknown as { types: Type[] }).types;
  const others = branches.filter((branch) => branch.typeName !== 'null');
  const nullable = others.length < branches.length;
  if (others.length === 1) {
    const only = schemaOf(others[0], context, shape);
    if (!nullable) return only;
    return only.type === undefined ? { anyOf: [only, NULL] } : { ...only, nullable: true };
  }
  return { anyOf: [...others.map((branch) => schemaOf(branch, context, shape)), ...(nullable ? [NULL] : [])] };
}

/** A consent map: the channels the platform keeps, each granted or denied. */
function consentSchema(type: Type): JsonSchema {
  const statuses = { type: 'string', enum: STATUSES };
  const map = { type: 'object', properties: Object.fromEntries(CONSENT_CHANNELS.map((channel) => [channel, statuses])), additionalProperties: false };
  const nullable = type.typeName.startsWith('union') && (type as unknown as { types: Type[] }).types.some((branch) => branch.typeName === 'null');
  return nullable ? { ...map, nullable: true } : map;
}
