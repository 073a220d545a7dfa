import { Type } from 'avsc';
import { parseAvroSchema } from '../avro/iso-logical-types';
import type { SchemaSources, TouchpointSchemaId } from './schema-sources';
import { SchemaCatalogError } from './schema-catalog-error';

/** A version of a touchpoint type's schema as published: the envelope and its payload, composed and parsed. */
export interface ComposedTouchpointSchema {
  readonly touchpointType: string;
  /** "schemas/touchpoints/<type>/v2.avsc". */
  readonly payloadFile: string;
  readonly schema: object;
  readonly type: Type;
}

/** The schema a schema-ids.json entry publishes, refused with where it is when a file is missing or it is not valid Avro. */
export function composedTouchpointSchema(entry: TouchpointSchemaId, sources: SchemaSources, where: string): ComposedTouchpointSchema {
  const touchpointType = entry.schema.replace(/^touchpoints\//, '');
  const payload = sources.touchpoints[touchpointType]?.payloads[entry.payload];
  const envelope = sources.envelopes[entry.envelope];
  const payloadFile = `schemas/${entry.schema}/${entry.payload}.avsc`;
  const envelopeFile = `schemas/envelope/${entry.envelope}.avsc`;
  if (!payload || !envelope) throw new SchemaCatalogError(`${where}: no ${payloadFile} or ${envelopeFile}`);
  const schema = composeTouchpointSchema(touchpointType, envelope, payload);
  try {
    return { touchpointType, payloadFile, schema, type: parseAvroSchema(schema) };
  } catch (error) {
    const message = (error as Error).message;
    const duplicate = /^duplicate type name: (\S+)$/.exec(message)?.[1];
    const why = duplicate ? duplicateNameProblem(duplicate, touchpointType, envelope, envelopeFile) : message;
    throw new SchemaCatalogError(`${where}: ${payloadFile} is not valid Avro: ${why}`);
  }
}

/**
 * Who else defines a type name the payload defines: the envelope, the touchpoint record (named
 * after the type), or the payload itself. Each type's schema is parsed alone, so these are the only
 * places a name can clash.
 */
function duplicateNameProblem(name: string, touchpointType: string, envelope: object, envelopeFile: string): string {
  const touchpointRecord = `${(envelope as { namespace: string }).namespace}.${recordName(touchpointType)}`;
  const inEnvelope = envelopeTypeNames(envelope).includes(name);
  const shortName = name.split('.').pop();
  if (name === touchpointRecord && inEnvelope) {
    return `the type name "${touchpointType}" makes the touchpoint record ${name}, a name ${envelopeFile} gives one of its own types: choose another type name`;
  }
  if (inEnvelope) return `the payload defines ${name}, a name ${envelopeFile} already gives one of its types: rename the record or enum in the payload, e.g. "${recordName(touchpointType)}${shortName}"`;
  if (name === touchpointRecord) return `the payload defines ${name}, the name of the touchpoint record of type "${touchpointType}" (the envelope's fields and the payload): rename the record or enum in the payload, e.g. "${shortName}Details"`;
  return `the payload defines ${name} twice: rename one, or define it once and refer to it by name ("${name}") after that`;
}

/** The full names of the types the envelope's fields define (not the envelope record, which a touchpoint's schema replaces). */
export function envelopeTypeNames(envelope: object): string[] {
  const registry: Record<string, Type> = {};
  const { name, namespace } = envelope as { name: string; namespace: string };
  Type.forSchema(envelope as never, { registry, wrapUnions: false } as never);
  return Object.entries(registry)
    .filter(([defined, type]) => type.name !== undefined && defined !== `${namespace}.${name}`)
    .map(([defined]) => defined);
}

/** A touchpoint type's schema: the envelope's fields plus its typed payload, as one record. */
export function composeTouchpointSchema(touchpointType: string, envelope: object, payload: object): object {
  const { fields, namespace } = envelope as { fields: object[]; namespace: string };
  return {
    type: 'record',
    name: recordName(touchpointType),
    namespace,
    doc: `A ${touchpointType} touchpoint.`,
    fields: [...fields, { name: 'payload', type: payload }],
  };
}

/** "social_mention" → "SocialMention". */
export function recordName(touchpointType: string): string {
  return touchpointType.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
