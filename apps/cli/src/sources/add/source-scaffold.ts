import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { envelopeTypeNames, recordName, type SchemaSources, type TouchpointSchemaId } from '@cdp/events';
import { CliError } from '../../shared/cli-error';

/*
 * The files of a new touchpoint type, as text laid out like the ones written by hand: each one
 * loads as it is, and its sample passes ingestion, so the engineer starts from something that works.
 */

export interface ScaffoldFile {
  readonly path: string;
  readonly text: string;
  /** What it is for, as `cdp source add` lists it. */
  readonly about: string;
}

/**
 * Where a new type's files go. The spec goes to the tests/ beside the schemas folder when that is a
 * checkout of the platform's repository (it has the samples' test support); otherwise there is none.
 */
export function sourcePaths(schemasDir: string, type: string) {
  const root = dirname(schemasDir);
  const folder = join(schemasDir, 'touchpoints', type);
  const inRepository = existsSync(join(root, SAMPLES_TEST_SUPPORT));
  return { folder, samples: join(folder, 'samples.ndjson'), spec: inRepository ? join(root, 'tests', 'sources', `${type}.samples.unit.spec.ts`) : undefined };
}

/** What the scaffolded spec imports, beside the schemas folder. */
const SAMPLES_TEST_SUPPORT = 'tests/support/source-samples.ts';

/** Every file to write for a new type, schema-ids.json with its entry included, before anything is written. */
export function scaffoldFiles(type: string, manifest: object, schemasDir: string, sources: SchemaSources, now: Date): { schemaId: TouchpointSchemaId; files: ScaffoldFile[] } {
  const { folder, samples, spec } = sourcePaths(schemasDir, type);
  const schemaId: TouchpointSchemaId = { id: nextSchemaId(sources), schema: `touchpoints/${type}`, payload: 'v1', envelope: latestEnvelope(sources) };
  const idsFile = join(schemasDir, 'schema-ids.json');
  const files = [
    { path: join(folder, 'v1.avsc'), text: payloadSchemaText(type), about: 'the payload schema, with two example fields to replace' },
    { path: join(folder, 'manifest.json'), text: manifestText(manifest), about: 'owner, money, identifiers, channel, columns, bounds' },
    { path: samples, text: samplesText(type, now), about: 'sample touchpoints, one a line' },
    { path: idsFile, text: withSchemaId(readFileSync(idsFile, 'utf8'), schemaId), about: `schema id ${schemaId.id} appended` },
    ...(spec ? [{ path: spec, text: samplesSpecText(type), about: 'the unit test that checks the samples' }] : []),
  ];
  return { schemaId, files };
}

/**
 * Why the platform could not load a new type of this name beside those of the folder, or undefined:
 * the record named after the type is its registry subject, so no other type may make it, and
 * neither it nor the payload record may take a name of the envelope's types.
 */
export function typeNameClash(type: string, sources: SchemaSources): string | undefined {
  const other = Object.keys(sources.touchpoints).find((existing) => recordName(existing) === recordName(type));
  if (other !== undefined) return `the type "${other}" already makes the touchpoint record ${recordName(type)} (its registry subject), which "${type}" would share: choose another type name`;
  const envelopeVersion = latestEnvelope(sources);
  const { namespace } = sources.envelopes[envelopeVersion] as { namespace: string };
  const taken = envelopeTypeNames(sources.envelopes[envelopeVersion]);
  const clash = [recordName(type), `${recordName(type)}Payload`].map((name) => `${namespace}.${name}`).find((name) => taken.includes(name));
  if (clash !== undefined) return `"${type}" would make the record ${clash}, a name schemas/envelope/${envelopeVersion}.avsc gives one of its own types: choose another type name`;
  return undefined;
}

/** A manifest that declares nothing yet but the owner. */
export function newManifest(type: string, owner: string): object {
  return { type, owner, compatibility: 'backward', money: [], identifiers: {}, channel: null, columns: [], bounds: {} };
}

function manifestText(manifest: object): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function payloadSchemaText(type: string): string {
  return `{
  "type": "record",
  "name": "${recordName(type)}Payload",
  "namespace": "cdp.touchpoints",
  "doc": "EDIT ME: what a ${type} touchpoint carries besides the envelope (schemas/envelope/). Replace the example fields with the fields your source sends.",
  "fields": [
    { "name": "exampleId", "type": "string", "doc": "EDIT ME: an example of a required field." },
    { "name": "exampleNote", "type": ["null", "string"], "default": null, "doc": "EDIT ME: an example of an optional field: a union with null, default null." }
  ]
}
`;
}

/** One touchpoint that passes ingestion, as it happened at `now`. */
function samplesText(type: string, now: Date): string {
  const sample = {
    type,
    source: 'example-producer',
    occurredAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    identifiers: { customerId: 'c-42', email: 'sara.ahmadi@example.com' },
    payload: { exampleId: 'ex-1', exampleNote: 'replace with a real event of your source' },
  };
  return `${JSON.stringify(sample)}\n`;
}

/** The unit spec that keeps the samples passing ingestion as the schema and the platform change. */
function samplesSpecText(type: string): string {
  return `import { expectSamplesAccepted } from '../support/source-samples';

it('accepts every sample of ${type}, as POST /v1/touchpoints would', () => {
  expectSamplesAccepted('${type}');
});
`;
}

/** The next schema id: ids are never reused. */
function nextSchemaId(sources: SchemaSources): number {
  return Math.max(0, ...sources.ids.map((entry) => entry.id)) + 1;
}

/** The envelope version new touchpoint schemas are composed with. */
function latestEnvelope(sources: SchemaSources): string {
  return Object.keys(sources.envelopes).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).at(-1)!;
}

const LAST_ENTRY = /(\n([ \t]*)\{.*\})(\s*\]\s*\}\s*)$/;

/** schema-ids.json with the entry on a line of its own after the last, the rest of the text as it was. */
function withSchemaId(schemaIdsText: string, entry: TouchpointSchemaId): string {
  if (!LAST_ENTRY.test(schemaIdsText)) {
    throw new CliError('CLI.SCHEMA_IDS_LAYOUT', `schemas/schema-ids.json does not end with its "ids", one entry a line, so nothing was written: add ${oneLine(entry)} to it by hand`);
  }
  return schemaIdsText.replace(LAST_ENTRY, (_, last: string, indent: string, end: string) => `${last},\n${indent}${oneLine(entry)}${end}`);
}

/** `{ "id": 9, "schema": "touchpoints/x" }`, as the entries of schema-ids.json are written. */
function oneLine(value: object): string {
  return JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
}
