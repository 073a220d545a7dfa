import type { Type } from 'avsc';
import { parseAvroSchema } from '../avro/iso-logical-types';
import { SchemaCatalogError } from './schema-catalog-error';

/** The change feed schemas of schemas/feed/: by name ("customer-state"), then version ("v1"). */
export type FeedSchemaSources = Readonly<Record<string, Readonly<Record<string, object>>>>;

/** An entry of schemas/schema-ids.json that publishes a change feed schema. */
export interface FeedSchemaId {
  readonly id: number;
  /** "feed/<name>": the schema is schemas/feed/<name>/<version>.avsc. */
  readonly schema: string;
  readonly version: string;
  /** The Confluent subject, TopicNameStrategy: "<topic>-value". */
  readonly subject: string;
  /** The feed schemas it uses by full name, with their version: { "feed/customer-state": "v1" }. */
  readonly references?: Readonly<Record<string, string>>;
  /** Seals the version: its schema's fingerprint (schemaFingerprint), which the files must keep. */
  readonly fingerprint?: string;
}

export function isFeedSchemaId(entry: { schema: unknown }): entry is FeedSchemaId {
  return typeof entry.schema === 'string' && entry.schema.startsWith('feed/');
}

/**
 * The schema a feed entry publishes, self-contained: each referenced schema is inlined where it is
 * first used, so a consumer that fetches it from the registry needs nothing else.
 */
export function composeFeedSchema(entry: FeedSchemaId, feed: FeedSchemaSources, where: string): object {
  if (typeof entry.subject !== 'string' || entry.subject === '') {
    throw new SchemaCatalogError(`${where}: "subject" must name the Confluent subject of the topic's values, e.g. "cdp.customer-events.v1-value"`);
  }
  let schema = feedSource(entry.schema, entry.version, feed, where);
  for (const [referenced, version] of Object.entries(entry.references ?? {})) {
    const definition = feedSource(referenced, version, feed, where);
    const fullName = fullNameOf(definition);
    const inlined = inlineNamedType(schema, fullName, definition);
    if (!inlined) throw new SchemaCatalogError(`${where}: references ${referenced}, but schemas/${entry.schema}/${entry.version}.avsc never uses "${fullName}"`);
    schema = inlined;
  }
  return schema;
}

/** `composeFeedSchema`, parsed: refused with where it is when it is not valid Avro. */
export function composedFeedSchema(entry: FeedSchemaId, feed: FeedSchemaSources, where: string): { readonly schema: object; readonly type: Type } {
  const schema = composeFeedSchema(entry, feed, where);
  try {
    return { schema, type: parseAvroSchema(schema) };
  } catch (error) {
    throw new SchemaCatalogError(`${where}: schemas/${entry.schema}/${entry.version}.avsc is not valid Avro: ${(error as Error).message}`);
  }
}

function feedSource(schema: string, version: string, feed: FeedSchemaSources, where: string): object {
  const source = feed[schema.replace(/^feed\//, '')]?.[version];
  if (!source) throw new SchemaCatalogError(`${where}: no schemas/${schema}/${version}.avsc`);
  return source;
}

function fullNameOf(schema: object): string {
  const { name, namespace } = schema as { name?: string; namespace?: string };
  return name?.includes('.') || !namespace ? String(name) : `${namespace}.${name}`;
}

/** `schema` with its first use of the named type replaced by the type's definition; undefined when it never uses it. */
function inlineNamedType(schema: object, fullName: string, definition: object): object | undefined {
  let inlined = false;
  const visit = (type: unknown): unknown => {
    if (inlined) return type;
    if (type === fullName) {
      inlined = true;
      return definition;
    }
    if (Array.isArray(type)) return type.map(visit);
    const t = type as { type?: unknown; fields?: unknown; items?: unknown; values?: unknown };
    if (t?.type === 'record' && Array.isArray(t.fields)) return { ...t, fields: t.fields.map((field: { type: unknown }) => ({ ...field, type: visit(field.type) })) };
    if (t?.type === 'array') return { ...t, items: visit(t.items) };
    if (t?.type === 'map') return { ...t, values: visit(t.values) };
    return type;
  };
  const result = visit(schema) as object;
  return inlined ? result : undefined;
}
