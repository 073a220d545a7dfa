import { createHash } from 'node:crypto';
import { SchemaCatalogError } from './schema-catalog-error';

/**
 * The fingerprint of a published schema version, as schemas/schema-ids.json seals it: a hash of
 * the schema as served (envelope and references included), object keys in any order, `doc` left
 * out so that a description can be corrected. Anything a reader uses (names, field order, types,
 * defaults, aliases) changes it.
 */
export function schemaFingerprint(schema: object): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(schema))).digest('hex').slice(0, 16)}`;
}

/**
 * Refuses a sealed version whose files changed since: readers decode what the log holds with the
 * schema of the id each message carries, so an edited version reads old messages wrongly, silently.
 */
export function checkFingerprint(entry: { readonly id: number; readonly fingerprint?: unknown }, schema: object, where: string, files: string): void {
  if (entry.fingerprint === undefined) return;
  const now = schemaFingerprint(schema);
  if (entry.fingerprint === now) return;
  throw new SchemaCatalogError(
    `${where}: ${files} changed since id ${entry.id} was sealed (its entry's fingerprint is ${JSON.stringify(entry.fingerprint)}, the files' now "${now}"). ` +
      `A version producers or the log have used must never change: put it back as it was, and make the change a new version. ` +
      `Only if nothing has used id ${entry.id} yet, write the new fingerprint into its entry`,
  );
}

/** The schema with its objects' keys sorted and its descriptions left out; a field's default is a value, kept whole. */
function canonical(value: unknown, isSchema = true): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item, isSchema));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .filter((key) => !(isSchema && key === 'doc'))
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key], isSchema && key !== 'default')]),
  );
}
