import type { Type } from 'avsc';
import { parseAvroSchema } from '../avro/iso-logical-types';
import { SchemaCatalogError, type TouchpointManifest } from './touchpoint-manifest';

/** The Kafka topic that carries touchpoints. */
export const TOUCHPOINT_TOPIC = 'cdp.touchpoints.v1';

/** One published schema version, as the registry API and the wire format know it. */
export interface PublishedSchema {
  readonly id: number;
  /** Confluent subject, TopicRecordNameStrategy: "<topic>-<record full name>". */
  readonly subject: string;
  readonly version: number;
  readonly touchpointType: string;
  /** The self-contained Avro schema, as JSON. */
  readonly schema: object;
  readonly type: Type;
}

/** What the schemas/ folder holds, already read; `loadSchemaCatalog` reads it from disk. */
export interface SchemaSources {
  readonly envelopes: Readonly<Record<string, object>>;
  readonly touchpoints: Readonly<Record<string, { manifest: TouchpointManifest; payloads: Readonly<Record<string, object>> }>>;
  readonly ids: readonly { id: number; schema: string; payload: string; envelope: string }[];
}

/** Every touchpoint type and every published schema version, by id and by subject. */
export class SchemaCatalog {
  private readonly byIdMap = new Map<number, PublishedSchema>();
  private readonly bySubject = new Map<string, PublishedSchema[]>();
  private readonly latestByType = new Map<string, PublishedSchema>();
  private readonly manifests = new Map<string, TouchpointManifest>();

  constructor(sources: SchemaSources) {
    for (const [type, { manifest }] of Object.entries(sources.touchpoints)) this.manifests.set(type, manifest);
    for (const entry of sources.ids) this.publish(sources, entry);
    for (const type of this.manifests.keys()) {
      if (!this.latestByType.has(type)) {
        throw new SchemaCatalogError(`touchpoint type "${type}" has no entry in schemas/schema-ids.json: give its schema an id`);
      }
    }
  }

  private publish(sources: SchemaSources, entry: SchemaSources['ids'][number]): void {
    const where = `schemas/schema-ids.json id ${entry.id}`;
    if (this.byIdMap.has(entry.id)) throw new SchemaCatalogError(`${where}: the id is used twice`);
    const touchpointType = entry.schema.replace(/^touchpoints\//, '');
    const source = sources.touchpoints[touchpointType];
    const payload = source?.payloads[entry.payload];
    const envelope = sources.envelopes[entry.envelope];
    if (!payload || !envelope) {
      throw new SchemaCatalogError(`${where}: no schemas/${entry.schema}/${entry.payload}.avsc or schemas/envelope/${entry.envelope}.avsc`);
    }
    const schema = composeTouchpointSchema(touchpointType, envelope, payload);
    let type: Type;
    try {
      type = parseAvroSchema(schema);
    } catch (error) {
      throw new SchemaCatalogError(`${where}: schemas/${entry.schema}/${entry.payload}.avsc is not valid Avro: ${(error as Error).message}`);
    }
    const subject = `${TOUCHPOINT_TOPIC}-${type.name}`;
    const versions = this.bySubject.get(subject) ?? [];
    const published: PublishedSchema = { id: entry.id, subject, version: versions.length + 1, touchpointType, schema, type };
    versions.push(published);
    this.bySubject.set(subject, versions);
    this.byIdMap.set(entry.id, published);
    this.latestByType.set(touchpointType, published);
  }

  byId(id: number): PublishedSchema | undefined {
    return this.byIdMap.get(id);
  }

  subjects(): string[] {
    return [...this.bySubject.keys()].sort();
  }

  versions(subject: string): readonly PublishedSchema[] {
    return this.bySubject.get(subject) ?? [];
  }

  /** The schema new touchpoints of this type are written with. */
  latest(touchpointType: string): PublishedSchema | undefined {
    return this.latestByType.get(touchpointType);
  }

  manifest(touchpointType: string): TouchpointManifest | undefined {
    return this.manifests.get(touchpointType);
  }

  touchpointTypes(): string[] {
    return [...this.manifests.keys()].sort();
  }
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
