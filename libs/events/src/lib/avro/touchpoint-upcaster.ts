import type { Resolver, Type } from 'avsc';
import type { PublishedSchema, SchemaCatalog } from '../catalog/schema-catalog';

/**
 * Touchpoints a log keeps as JSON (the Postgres log of embedded mode), read as the latest version
 * of their type reads them, as the Kafka log's Avro does: a touchpoint written before a field was
 * renamed has it under its new name, one written before a field was added has the field's default.
 * The JSON does not say which version wrote it: that is the newest version it fits, declared fields
 * only. A type with one version, and data of no touchpoint type, are returned as they are.
 */
export function touchpointUpcaster(catalog: SchemaCatalog): (type: string, data: unknown) => unknown {
  return (type, data) => {
    const latest = catalog.latest(type);
    const versions = latest ? catalog.versions(latest.subject) : [];
    if (!latest || versions.length < 2) return data;
    const writer = [...versions].reverse().find((version) => version.type.isValid(data, { noUndeclaredFields: true }));
    return writer ? resolvedTo(latest, writer, data) : data;
  };
}

const resolvers = new WeakMap<Type, WeakMap<Type, Resolver>>();

/** Avro's resolver from `writer` to `reader`, made once per pair: making one walks both schemas. */
export function resolverFor(reader: Type, writer: Type): Resolver {
  const byWriter = resolvers.get(reader) ?? new WeakMap<Type, Resolver>();
  resolvers.set(reader, byWriter);
  let resolver = byWriter.get(writer);
  if (!resolver) {
    resolver = reader.createResolver(writer);
    byWriter.set(writer, resolver);
  }
  return resolver;
}

/**
 * What `writer` wrote, as `reader` reads it: through Avro's binary form, which is where its schema
 * resolution works (this also fills the defaults of absent fields).
 */
export function resolvedTo(reader: PublishedSchema, writer: PublishedSchema, data: unknown): unknown {
  const bytes = writer.type.toBuffer(data);
  return writer === reader ? reader.type.fromBuffer(bytes) : reader.type.fromBuffer(bytes, resolverFor(reader.type, writer.type));
}
