import type { Type } from 'avsc';
import { composedFeedSchema, isFeedSchemaId, type FeedSchemaId } from '../catalog/feed-schema';
import { SchemaCatalog } from '../catalog/schema-catalog';
import { isTouchpointSchemaId, type SchemaSources, type TouchpointSchemaId } from '../catalog/schema-sources';
import { composedTouchpointSchema } from '../catalog/touchpoint-schema';
import { schemaFingerprint } from '../catalog/schema-fingerprint';
import { SchemaCatalogError } from '../catalog/schema-catalog-error';
import { typeCompatibilityProblems, type CompatibilityPolicy, type CompatibilityProblem } from './schema-compatibility';

/** A problem between two published versions of one schema history, by their version numbers (1, 2, …). */
export interface VersionProblem extends CompatibilityProblem {
  readonly previous: number;
  readonly next: number;
}

/** The check of one touchpoint type's versions, or one change feed subject's; it passes when it has no problems. */
export interface SchemaHistoryCheck {
  readonly kind: 'touchpoint' | 'feed';
  /** The touchpoint type ("purchase"), or the feed's Confluent subject ("cdp.customer-profiles.v1-value"). */
  readonly name: string;
  readonly policy: CompatibilityPolicy;
  /** In schema-ids.json order: version 1 is the first published. */
  readonly versions: readonly { readonly version: number; readonly id: number }[];
  readonly problems: readonly VersionProblem[];
  /** Versions whose entries carry no fingerprint yet, with the one that seals each as its files are now. */
  readonly unsealed: readonly { readonly version: number; readonly id: number; readonly fingerprint: string }[];
}

interface PublishedVersion {
  readonly version: number;
  readonly id: number;
  readonly type: Type;
  /** The fingerprint to seal it with, when its entry has none. */
  readonly unsealed?: string;
}

interface History {
  readonly kind: SchemaHistoryCheck['kind'];
  readonly name: string;
  readonly policy: CompatibilityPolicy;
  readonly versions: PublishedVersion[];
}

/**
 * Change feed subjects have no manifest. Their consumers, built with one version, read the messages
 * of every other (docs/subscribing.md: fields are never removed or retyped within v1), and the
 * platform reads its old feed with the latest: both ways.
 */
export const FEED_POLICY: CompatibilityPolicy = 'full';

/**
 * Checks every schema history of a schemas folder: each published version against the one before
 * it under the type's policy, and the latest against every earlier one whatever the policy, because
 * the log keeps old events and reads them with the latest schema. Once every history passes, a
 * folder the catalog would still refuse (an id used twice, a type without an id, …) throws its
 * located SchemaCatalogError, as does a version that is missing or not valid Avro.
 */
export function checkSchemaFolder(sources: SchemaSources): SchemaHistoryCheck[] {
  const checks = histories(sources).map(checkHistory);
  // Not before: the catalog refuses an incompatible feed version too, but without saying where or why.
  if (checks.every((check) => check.problems.length === 0)) assertCatalogLoads(sources);
  return checks;
}

function assertCatalogLoads(sources: SchemaSources): void {
  new SchemaCatalog(sources);
}

function checkHistory({ kind, name, policy, versions }: History): SchemaHistoryCheck {
  const latest = versions[versions.length - 1];
  const stepByStep = versions.slice(1).flatMap((next, i) => problemsBetween(versions[i], next, policy));
  // Under backward and full, the step by step check has already read the version before the latest.
  const earlier = versions.slice(0, policy === 'backward' || policy === 'full' ? -2 : -1);
  const latestReadsAll = earlier
    .flatMap((version) => problemsBetween(version, latest, 'backward'))
    .map((problem) => ({ ...problem, message: `the latest version, ${label(latest.version)}, must read the ${label(problem.previous)} events the log keeps, whatever the policy: ${problem.message}` }));
  return {
    kind,
    name,
    policy,
    versions: versions.map(({ version, id }) => ({ version, id })),
    problems: [...stepByStep, ...latestReadsAll],
    unsealed: versions.flatMap(({ version, id, unsealed }) => (unsealed ? [{ version, id, fingerprint: unsealed }] : [])),
  };
}

function problemsBetween(previous: PublishedVersion, next: PublishedVersion, policy: CompatibilityPolicy): VersionProblem[] {
  const labels = { previous: label(previous.version), next: label(next.version) };
  return typeCompatibilityProblems(previous.type, next.type, policy, labels).map((problem) => ({ ...problem, previous: previous.version, next: next.version }));
}

function label(version: number): string {
  return `v${version}`;
}

/** The published versions of each touchpoint type and feed subject, in schema-ids.json order. */
function histories(sources: SchemaSources): History[] {
  const byName = new Map<string, History>();
  for (const entry of sources.ids) {
    const where = `schemas/schema-ids.json id ${entry.id}`;
    const { kind, name, policy, type, schema } = isFeedSchemaId(entry) ? feedVersion(entry, sources, where) : touchpointVersion(entry as TouchpointSchemaId, sources, where);
    const key = `${kind}:${name}`;
    const history = byName.get(key) ?? { kind, name, policy, versions: [] };
    const unsealed = entry.fingerprint === undefined ? schemaFingerprint(schema) : undefined;
    history.versions.push({ version: history.versions.length + 1, id: entry.id, type, unsealed });
    byName.set(key, history);
  }
  return [...byName.values()];
}

function touchpointVersion(entry: TouchpointSchemaId, sources: SchemaSources, where: string) {
  if (!isTouchpointSchemaId(entry)) throw new SchemaCatalogError(`${where}: "schema" must be "touchpoints/<type>" or "feed/<name>"`);
  const { touchpointType: name, schema, type } = composedTouchpointSchema(entry, sources, where);
  return { kind: 'touchpoint' as const, name, policy: sources.touchpoints[name].manifest.compatibility, type, schema };
}

function feedVersion(entry: FeedSchemaId, sources: SchemaSources, where: string) {
  const { schema, type } = composedFeedSchema(entry, sources.feed, where);
  return { kind: 'feed' as const, name: entry.subject, policy: FEED_POLICY, type, schema };
}
