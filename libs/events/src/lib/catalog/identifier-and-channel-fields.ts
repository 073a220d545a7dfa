import type { Type, types } from 'avsc';
import { withoutNull } from './money-fields';
import { SchemaCatalogError } from './schema-catalog-error';
import { type TouchpointManifest } from './touchpoint-manifest';

/**
 * The manifest's `identifiers` and `channel` checked against the schema new touchpoints are
 * written with: each names a top-level text field of the payload (string or enum, or one of those
 * or null), and each identifier type is one the envelope has. A wrong name would otherwise be
 * passed over at every touchpoint, and a field dropped by a later version would empty what a
 * rebuild counts from it.
 */
export function checkIdentifierAndChannelFields(manifest: TouchpointManifest, touchpointType: Type, where: string): void {
  const record = touchpointType as unknown as { field(name: string): { type: Type } | undefined };
  const identifierTypes = (record.field('identifiers')!.type as types.RecordType).fields.map((f) => f.name);
  const payload = record.field('payload')!.type as types.RecordType;
  const isTextField = (name: string) => {
    const field = payload.fields.find((f) => f.name === name);
    return field !== undefined && ['string', 'enum'].includes(withoutNull(field.type).typeName);
  };
  const problems: string[] = [];
  for (const [field, identifierType] of Object.entries(manifest.identifiers)) {
    if (!identifierTypes.includes(identifierType)) problems.push(`identifiers: "${field}" maps to "${identifierType}", which is not an identifier type (${identifierTypes.join(', ')})`);
    if (!isTextField(field)) problems.push(`identifiers: "${field}" must be a top-level payload field of type string or enum (or one of those or null)`);
  }
  if (manifest.channel && 'field' in manifest.channel && !isTextField(manifest.channel.field)) {
    problems.push(`channel: "${manifest.channel.field}" must be a top-level payload field of type string or enum (or one of those or null) in the latest schema version`);
  }
  if (problems.length > 0) throw new SchemaCatalogError(`${where}: ${problems.join('; ')}`);
}
