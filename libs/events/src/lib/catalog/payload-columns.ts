import { Type, types } from 'avsc';
import { payloadFieldAt } from './money-fields';
import { SchemaCatalogError } from './schema-catalog-error';
import { type TouchpointManifest } from './touchpoint-manifest';

/** How a top-level payload field reads as an analytics column. */
export type PayloadColumnKind = 'integer' | 'float' | 'boolean' | 'text';

export interface PayloadColumn {
  readonly name: string;
  readonly kind: PayloadColumnKind;
  /** The field's Avro aliases: the names touchpoints written with an earlier version gave it. */
  readonly formerNames: readonly string[];
  /**
   * What a touchpoint that lacks the field holds there, as text, when only a version written
   * before the field existed can lack it (a field that is not nullable and has a default); null otherwise.
   */
  readonly absentAs: string | null;
}

const KIND_OF: Readonly<Record<string, PayloadColumnKind>> = {
  int: 'integer',
  long: 'integer',
  float: 'float',
  double: 'float',
  boolean: 'boolean',
  string: 'text',
  enum: 'text',
};

/**
 * The manifest's `columns` and `bounds` checked against the payload schema new touchpoints are
 * written with: a column names a top-level field of a scalar type, alone or in a union with null; a
 * bound, a numeric field, perhaps inside lists (`payloadFieldAt`). Returns the columns with their kinds.
 */
export function payloadColumnsOf(manifest: TouchpointManifest, payloadType: Type, where: string): PayloadColumn[] {
  const fieldOf = (name: string) => (payloadType as types.RecordType).fields.find((f) => f.name === name);
  const problems: string[] = [];
  const columns = manifest.columns.map((name) => {
    const field = fieldOf(name);
    const kind = field ? scalarKind(field.type) : undefined;
    if (!field) problems.push(`column "${name}" is no top-level field of the payload's latest version`);
    else if (!kind) problems.push(`column "${name}" must be a top-level payload field of a scalar type (string, enum, int, long, float, double, boolean, or one of those or null)`);
    return { name, kind: kind ?? 'text', formerNames: field?.aliases ?? [], absentAs: field ? absentAs(field) : null };
  });
  for (const path of Object.keys(manifest.bounds)) {
    const bounded = payloadFieldAt(payloadType, path);
    const kind = bounded ? scalarKind(bounded.type) : undefined;
    if (kind !== 'integer' && kind !== 'float') problems.push(`bounds of "${path}" need a numeric payload field (int, long, float or double); a path may go into lists: "items[].quantity"`);
  }
  if (problems.length > 0) throw new SchemaCatalogError(`${where}: ${problems.join('; ')}`);
  return columns;
}

function absentAs(field: types.Field): string | null {
  const value = field.defaultValue() as unknown;
  const nullable = field.type.typeName.startsWith('union:');
  return !nullable && ['string', 'number', 'boolean'].includes(typeof value) ? String(value) : null;
}

function scalarKind(type: Type): PayloadColumnKind | undefined {
  if (type.typeName.startsWith('union:')) {
    const branches = (type as types.UnwrappedUnionType).types.filter((t) => t.typeName !== 'null');
    return branches.length === 1 ? scalarKind(branches[0]) : undefined;
  }
  if (type instanceof types.LogicalType) return 'text'; // held as its canonical text, e.g. an ISO instant
  return KIND_OF[type.typeName];
}
