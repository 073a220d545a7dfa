import type { Type } from 'avsc';
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

const resolvers = new WeakMap<Type, WeakMap<Type, (data: unknown) => unknown>>();

/**
 * What `writer` wrote, as `reader` reads it: through Avro's binary form, which is where its schema
 * resolution works (this also fills the defaults of absent fields).
 */
export function resolvedTo(reader: PublishedSchema, writer: PublishedSchema, data: unknown): unknown {
  const byWriter = resolvers.get(reader.type) ?? new WeakMap<Type, (data: unknown) => unknown>();
  resolvers.set(reader.type, byWriter);
  let resolve = byWriter.get(writer.type);
  if (!resolve) {
    const resolver = writer === reader ? undefined : reader.type.createResolver(writer.type);
    resolve = (value) => reader.type.fromBuffer(writer.type.toBuffer(value), resolver);
    byWriter.set(writer.type, resolve);
  }
  return resolve(data);
}
