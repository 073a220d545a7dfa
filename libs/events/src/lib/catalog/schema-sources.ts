import type { FeedSchemaId, FeedSchemaSources } from './feed-schema';
import type { TouchpointManifest } from './touchpoint-manifest';

/** An entry of schemas/schema-ids.json that publishes a touchpoint type's schema. */
export interface TouchpointSchemaId {
  readonly id: number;
  /** "touchpoints/<type>". */
  readonly schema: string;
  readonly payload: string;
  readonly envelope: string;
  /** Seals the version: its schema's fingerprint (schemaFingerprint), which the files must keep. */
  readonly fingerprint?: string;
}

export function isTouchpointSchemaId(entry: { schema: unknown }): entry is TouchpointSchemaId {
  return typeof entry.schema === 'string' && entry.schema.startsWith('touchpoints/');
}

/** What the schemas/ folder holds, already read; `loadSchemaCatalog` reads it from disk. */
export interface SchemaSources {
  readonly envelopes: Readonly<Record<string, object>>;
  readonly touchpoints: Readonly<Record<string, TouchpointSources>>;
  readonly feed: FeedSchemaSources;
  readonly ids: readonly (TouchpointSchemaId | FeedSchemaId)[];
}

export interface TouchpointSources {
  readonly manifest: TouchpointManifest;
  /** Payload schemas by version ("v1"). */
  readonly payloads: Readonly<Record<string, object>>;
  /** Analytics views the type ships (its views/<name>.sql): view name → SELECT. */
  readonly views?: Readonly<Record<string, string>>;
}
