import type { Type } from 'avsc';
import { parseAvroSchema } from '../avro/iso-logical-types';
import type { TouchpointManifest } from '../catalog/touchpoint-manifest';
import { findIncompatibilities } from './find-incompatibilities';
import { incompatibilityMessage, type Direction, type VersionLabels } from './incompatibility-message';

export type { VersionLabels } from './incompatibility-message';

/**
 * As in Confluent Schema Registry: backward, the new schema reads data written with the previous
 * one; forward, the previous reads data written with the new one; full, both; none, no check.
 */
export type CompatibilityPolicy = TouchpointManifest['compatibility'];

/** Why a schema change breaks a reader: where ("payload.score"; "" for the whole record), and a sentence. */
export interface CompatibilityProblem {
  readonly path: string;
  readonly message: string;
}

const DIRECTIONS: Record<CompatibilityPolicy, readonly Direction[]> = {
  backward: ['backward'],
  forward: ['forward'],
  full: ['backward', 'forward'],
  none: [],
};

const DEFAULT_LABELS: VersionLabels = { previous: 'the previous version', next: 'the new version' };

/** What breaks when `previous` (an Avro schema, as JSON) becomes `next` under `policy`; empty when nothing does. */
export function compatibilityProblems(previous: object, next: object, policy: CompatibilityPolicy, labels: VersionLabels = DEFAULT_LABELS): CompatibilityProblem[] {
  return typeCompatibilityProblems(parseAvroSchema(previous), parseAvroSchema(next), policy, labels);
}

/** `compatibilityProblems` for schemas already parsed with `parseAvroSchema`. */
export function typeCompatibilityProblems(previous: Type, next: Type, policy: CompatibilityPolicy, labels: VersionLabels = DEFAULT_LABELS): CompatibilityProblem[] {
  return DIRECTIONS[policy].flatMap((direction) => {
    const [reader, writer] = direction === 'backward' ? [next, previous] : [previous, next];
    return findIncompatibilities(reader, writer).map((found) => ({ path: found.path, message: incompatibilityMessage(found, direction, labels) }));
  });
}

/** "payload.score: was long, now int: …". */
export function formatProblem({ path, message }: CompatibilityProblem): string {
  return path ? `${path}: ${message}` : message;
}
