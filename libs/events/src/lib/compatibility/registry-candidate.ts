import type { Type } from 'avsc';
import { parseAvroSchema } from '../avro/iso-logical-types';
import type { PublishedSchema, SchemaCatalog } from '../catalog/schema-catalog';
import { formatProblem, typeCompatibilityProblems, type CompatibilityPolicy } from './schema-compatibility';
import { FEED_POLICY } from './schema-folder-check';

/**
 * How a subject's versions must relate: a touchpoint type's manifest says; a change feed's schemas
 * must read what the others wrote, both ways (FEED_POLICY). Undefined for an unknown subject.
 */
export function subjectCompatibility(catalog: SchemaCatalog, subject: string): CompatibilityPolicy | undefined {
  const [first] = catalog.versions(subject);
  if (!first) return undefined;
  return first.kind === 'touchpoint' ? (catalog.manifest(first.touchpointType)?.compatibility ?? 'backward') : FEED_POLICY;
}

/** The Avro schema a client sent as text, parsed, or why it is not one. */
export function parseCandidate(schema: unknown): { type: Type } | { error: string } {
  if (typeof schema !== 'string') return { error: 'the body must be { "schema": "<the Avro schema, as a JSON string>" }' };
  try {
    return { type: parseAvroSchema(JSON.parse(schema)) };
  } catch (error) {
    return { error: `Invalid schema: ${(error as Error).message}` };
  }
}

/** The published version of the subject that is this schema, docs, defaults and aliases included, as a Confluent lookup finds it. */
export function findPublishedVersion(catalog: SchemaCatalog, subject: string, candidate: Type): PublishedSchema | undefined {
  const form = canonicalForm(candidate);
  return catalog.versions(subject).find((version) => canonicalForm(version.type) === form);
}

/**
 * Why the candidate could not be published after `against` (a version of the subject): the
 * subject's policy between the two, and the platform's own rule that the latest version reads
 * every earlier one. Empty when it could.
 */
export function candidateProblems(catalog: SchemaCatalog, subject: string, against: PublishedSchema, candidate: Type): string[] {
  const policy = subjectCompatibility(catalog, subject) ?? 'backward';
  const labels = (version: PublishedSchema) => ({ previous: `version ${version.version}`, next: 'the new schema' });
  const problems = [
    ...typeCompatibilityProblems(against.type, candidate, policy, labels(against)),
    ...catalog.versions(subject).flatMap((version) => typeCompatibilityProblems(version.type, candidate, 'backward', labels(version))),
  ].map(formatProblem);
  return [...new Set(problems)];
}

function canonicalForm(type: Type): string {
  return JSON.stringify(type.schema({ exportAttrs: true }));
}
