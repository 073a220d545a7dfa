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
  const resolvers = new Map<Type, (data: unknown) => unknown>();
  return (type, data) => {
    const latest = catalog.latest(type);
    const versions = latest ? catalog.versions(latest.subject) : [];
    if (!latest || versions.length < 2) return data;
    const writer = [...versions].reverse().find((version) => version.type.isValid(data, { noUndeclaredFields: true }));
    if (!writer) return data;
    let resolve = resolvers.get(writer.type);
    if (!resolve) {
      resolve = resolverTo(latest, writer);
      resolvers.set(writer.type, resolve);
    }
    return resolve(data);
  };
}

/** Through Avro's binary form, which is where its schema resolution works; this also fills the defaults of absent fields. */
function resolverTo(reader: PublishedSchema, writer: PublishedSchema): (data: unknown) => unknown {
  if (writer === reader) return (data) => reader.type.fromBuffer(reader.type.toBuffer(data));
  const resolver = reader.type.createResolver(writer.type);
  return (data) => reader.type.fromBuffer(writer.type.toBuffer(data), resolver);
}
