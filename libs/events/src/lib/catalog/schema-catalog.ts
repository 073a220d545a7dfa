import type { Type } from 'avsc';
import { formatProblem, typeCompatibilityProblems } from '../compatibility/schema-compatibility';
import { composedFeedSchema, isFeedSchemaId, type FeedSchemaId } from './feed-schema';
import { checkIdentifierAndChannelFields } from './identifier-and-channel-fields';
import { checkMoneyFields } from './money-fields';
import { checkFingerprint, schemaFingerprint } from './schema-fingerprint';
import { fieldNameClashes } from './field-name-clashes';
import { typesJsonCannotCarry } from './json-carried-types';
import { payloadColumnsOf, type PayloadColumn } from './payload-columns';
import { isTouchpointSchemaId, type SchemaSources, type TouchpointSchemaId } from './schema-sources';
import { SchemaCatalogError } from './schema-catalog-error';
import { type TouchpointManifest } from './touchpoint-manifest';
import { composedTouchpointSchema, recordName } from './touchpoint-schema';

/** The Kafka topic that carries touchpoints. */
export const TOUCHPOINT_TOPIC = 'cdp.touchpoints.v1';

/** One published schema version, as the registry API and the wire format know it. */
export interface PublishedSchemaBase {
  readonly id: number;
  /**
   * Confluent subject: "<topic>-<record full name>" for touchpoints (TopicRecordNameStrategy),
   * "<topic>-value" for the change feed (TopicNameStrategy).
   */
  readonly subject: string;
  readonly version: number;
  /** The self-contained Avro schema, as JSON. */
  readonly schema: object;
  readonly type: Type;
}

/** A touchpoint type's schema: the envelope plus its payload, on the touchpoint topic. */
export interface PublishedTouchpointSchema extends PublishedSchemaBase {
  readonly kind: 'touchpoint';
  readonly touchpointType: string;
}

/** A change feed schema (schemas/feed/), the value schema of its topic. */
export interface PublishedFeedSchema extends PublishedSchemaBase {
  readonly kind: 'feed';
}

export type PublishedSchema = PublishedTouchpointSchema | PublishedFeedSchema;

/** An analytics view a touchpoint type ships: CREATE VIEW <name> AS <select>. */
export interface SourceView {
  readonly name: string;
  readonly touchpointType: string;
  readonly select: string;
}

/** Every touchpoint type and every published schema version, by id and by subject. */
export class SchemaCatalog {
  private readonly byIdMap = new Map<number, PublishedSchema>();
  private readonly bySubject = new Map<string, PublishedSchema[]>();
  private readonly latestByType = new Map<string, PublishedTouchpointSchema>();
  /** The payload file of each type's latest version, "schemas/touchpoints/<type>/v2.avsc", for error messages. */
  private readonly latestPayloadFiles = new Map<string, string>();
  private readonly manifests = new Map<string, TouchpointManifest>();
  private readonly columnsByType = new Map<string, readonly PayloadColumn[]>();
  private readonly views: SourceView[] = [];
  private readonly unsealedIds: { readonly id: number; readonly fingerprint: string }[] = [];

  constructor(sources: SchemaSources) {
    for (const [type, { manifest }] of Object.entries(sources.touchpoints)) this.manifests.set(type, manifest);
    checkOneTypePerSubject(Object.keys(sources.touchpoints));
    for (const entry of sources.ids) this.publish(sources, entry);
    for (const type of this.manifests.keys()) {
      if (!this.latestByType.has(type)) throw new SchemaCatalogError(`touchpoint type "${type}" has no entry in schemas/schema-ids.json: give its schema an id`);
    }
    // Before the manifests are checked against each type's latest version: a manifest written for a draft names what only the draft has.
    checkEveryFileIsPublished(sources);
    for (const [type, manifest] of this.manifests) {
      const latest = this.latestByType.get(type)!;
      const payloadType = (latest.type as unknown as { field(name: string): { type: Type } }).field('payload').type;
      const payloadProblems = [...fieldNameClashes(payloadType), ...typesJsonCannotCarry(payloadType)];
      if (payloadProblems.length > 0) throw new SchemaCatalogError(`${this.latestPayloadFiles.get(type)}: ${payloadProblems.join('; ')}`);
      this.columnsByType.set(type, payloadColumnsOf(manifest, payloadType, `schemas/touchpoints/${type}/manifest.json`));
      checkMoneyFields(manifest, payloadType, `schemas/touchpoints/${type}/manifest.json`);
      checkIdentifierAndChannelFields(manifest, latest.type, `schemas/touchpoints/${type}/manifest.json`);
      for (const [name, select] of Object.entries(sources.touchpoints[type].views ?? {})) {
        const holder = this.views.find((view) => view.name === name);
        if (holder) throw new SchemaCatalogError(`schemas/touchpoints/${type}/views/${name}.sql: the view name is taken by schemas/touchpoints/${holder.touchpointType}/views; rename one`);
        this.views.push({ name, touchpointType: type, select });
      }
    }
  }

  private publish(sources: SchemaSources, entry: SchemaSources['ids'][number]): void {
    const where = `schemas/schema-ids.json id ${entry.id}`;
    if (!Number.isInteger(entry.id) || entry.id < 1) throw new SchemaCatalogError(`${where}: "id" must be a positive integer`);
    if (this.byIdMap.has(entry.id)) throw new SchemaCatalogError(`${where}: the id is used twice`);
    if (isFeedSchemaId(entry)) this.publishFeed(sources, entry, where);
    else if (isTouchpointSchemaId(entry)) this.publishTouchpoint(sources, entry, where);
    else throw new SchemaCatalogError(`${where}: "schema" must be "touchpoints/<type>" or "feed/<name>"`);
  }

  private publishTouchpoint(sources: SchemaSources, entry: TouchpointSchemaId, where: string): void {
    const { touchpointType, payloadFile, schema, type } = composedTouchpointSchema(entry, sources, where);
    checkFingerprint(entry, schema, where, `schemas/${entry.schema}/${entry.payload}.avsc (with schemas/envelope/${entry.envelope}.avsc)`);
    const subject = `${TOUCHPOINT_TOPIC}-${type.name}`;
    const published: PublishedTouchpointSchema = { kind: 'touchpoint', id: entry.id, subject, version: this.nextVersion(subject, type, where), touchpointType, schema, type };
    this.checkReadsEarlier(subject, type, where);
    this.add(published, entry);
    this.latestByType.set(touchpointType, published);
    this.latestPayloadFiles.set(touchpointType, payloadFile);
  }

  private publishFeed(sources: SchemaSources, entry: FeedSchemaId, where: string): void {
    const { schema, type } = composedFeedSchema(entry, sources.feed, where);
    checkFingerprint(entry, schema, where, `schemas/${entry.schema}/${entry.version}.avsc (with what it references)`);
    const version = this.nextVersion(entry.subject, type, where);
    this.checkReadsEarlier(entry.subject, type, where);
    this.add({ kind: 'feed', id: entry.id, subject: entry.subject, version, schema, type }, entry);
  }

  /** Readers decode older messages with the latest schema, so each version must read what the earlier ones wrote, whatever the policy. */
  private checkReadsEarlier(subject: string, type: Type, where: string): void {
    for (const earlier of this.versions(subject)) {
      try {
        type.createResolver(earlier.type);
      } catch (error) {
        const labels = { previous: `version ${earlier.version}`, next: 'this version' };
        // Located where avsc's own message is not; the two agree on what reads what (a property test).
        const located = typeCompatibilityProblems(earlier.type, type, 'backward', labels).map(formatProblem);
        throw new SchemaCatalogError(`${where}: cannot read what id ${earlier.id} (${subject} version ${earlier.version}) wrote: ${located.join('; ') || (error as Error).message}`);
      }
    }
  }

  private nextVersion(subject: string, type: Type, where: string): number {
    const versions = this.versions(subject);
    const holder = versions[0]?.type.name;
    if (holder !== undefined && holder !== type.name) throw new SchemaCatalogError(`${where}: subject ${subject} holds ${holder}, not ${type.name}`);
    return versions.length + 1;
  }

  /**
   * The published versions whose entries carry no fingerprint yet, with the one to seal them with:
   * until then, nothing tells if their files change.
   */
  unsealed(): readonly { readonly id: number; readonly fingerprint: string }[] {
    return this.unsealedIds;
  }

  private add(published: PublishedSchema, entry: { readonly fingerprint?: string }): void {
    if (entry.fingerprint === undefined) this.unsealedIds.push({ id: published.id, fingerprint: schemaFingerprint(published.schema) });
    this.bySubject.set(published.subject, [...this.versions(published.subject), published]);
    this.byIdMap.set(published.id, published);
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

  /** The schema new messages of this subject are written with, e.g. a change feed topic's "<topic>-value". */
  latestOf(subject: string): PublishedSchema | undefined {
    const versions = this.versions(subject);
    return versions[versions.length - 1];
  }

  /** The schema new touchpoints of this type are written with. */
  latest(touchpointType: string): PublishedTouchpointSchema | undefined {
    return this.latestByType.get(touchpointType);
  }

  manifest(touchpointType: string): TouchpointManifest | undefined {
    return this.manifests.get(touchpointType);
  }

  /** The payload fields the type's manifest names as analytics columns, with how each reads. */
  payloadColumns(touchpointType: string): readonly PayloadColumn[] {
    return this.columnsByType.get(touchpointType) ?? [];
  }

  /** The analytics views every touchpoint type ships, by type. */
  sourceViews(): readonly SourceView[] {
    return this.views;
  }

  touchpointTypes(): string[] {
    return [...this.manifests.keys()].sort();
  }
}

/** Types named alike ("a1", "a_1") make one touchpoint record, whose name is their registry subject: they would share it. */
function checkOneTypePerSubject(touchpointTypes: readonly string[]): void {
  const typeOfRecord = new Map<string, string>();
  for (const touchpointType of touchpointTypes) {
    const record = recordName(touchpointType);
    const other = typeOfRecord.get(record);
    if (other !== undefined) {
      throw new SchemaCatalogError(
        `schemas/touchpoints/${touchpointType} and schemas/touchpoints/${other}: the types "${other}" and "${touchpointType}" both make the touchpoint record ${record}, whose full name is the registry subject of a type, so they would share one: rename one of the types (its folder, its manifest's "type" and its schema-ids.json entries)`,
      );
    }
    typeOfRecord.set(record, touchpointType);
  }
}

/**
 * A schema file no schema-ids.json entry names is never used: new touchpoints go on being written
 * with the last version published, and the check would pass over a breaking draft unseen.
 */
function checkEveryFileIsPublished(sources: SchemaSources): void {
  const published = new Set<string>();
  for (const entry of sources.ids) {
    if (isTouchpointSchemaId(entry)) published.add(`${entry.schema}/${entry.payload}`).add(`envelope/${entry.envelope}`);
    if (isFeedSchemaId(entry)) {
      published.add(`${entry.schema}/${entry.version}`);
      for (const [referenced, version] of Object.entries(entry.references ?? {})) published.add(`feed/${referenced.replace(/^feed\//, '')}/${version}`);
    }
  }
  const files = [
    ...Object.keys(sources.envelopes).map((version) => `envelope/${version}`),
    ...Object.entries(sources.touchpoints).flatMap(([type, { payloads }]) => Object.keys(payloads).map((version) => `touchpoints/${type}/${version}`)),
    ...Object.entries(sources.feed).flatMap(([name, versions]) => Object.keys(versions).map((version) => `feed/${name}/${version}`)),
  ];
  const unpublished = files.filter((file) => !published.has(file));
  if (unpublished.length > 0) {
    throw new SchemaCatalogError(
      `${unpublished.map((file) => `schemas/${file}.avsc`).join(', ')}: no entry of schemas/schema-ids.json publishes ${unpublished.length === 1 ? 'it' : 'them'}, so the platform would never use ${unpublished.length === 1 ? 'it' : 'them'}: give each version an entry with the next free id (docs/adding-a-source.md), or remove the file`,
    );
  }
}
