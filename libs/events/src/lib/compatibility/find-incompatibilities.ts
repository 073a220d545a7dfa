import { Type, types } from 'avsc';

/**
 * One reason why a reader schema cannot read what a writer schema wrote, at a field path from the
 * root ("payload.items[].sku"; "[]" is an array's items, "{}" a map's values; "" the root).
 * Types are described for people: "long", "[null, string]", "record PurchaseItem".
 */
export type Incompatibility =
  /** A reader field without a default that the writer lacks; `writerField` is the writer's unmatched field that looks like it, when one does. */
  | { readonly kind: 'missing-field'; readonly path: string; readonly writerField?: string }
  | { readonly kind: 'ambiguous-aliases'; readonly path: string; readonly matches: readonly string[] }
  /** The writer's type is wider than the reader's: the reader could be read by the writer, not the other way round. */
  | { readonly kind: 'narrowed'; readonly path: string; readonly reader: string; readonly writer: string }
  | { readonly kind: 'type-changed'; readonly path: string; readonly reader: string; readonly writer: string }
  /** Writer union branches that no reader branch can take. */
  | { readonly kind: 'union-branches'; readonly path: string; readonly reader: string; readonly writer: string; readonly branches: readonly string[] }
  /** Writer enum symbols the reader lacks, with no default symbol to fall back on. */
  | { readonly kind: 'enum-symbols'; readonly path: string; readonly symbols: readonly string[] }
  | { readonly kind: 'renamed-type'; readonly path: string; readonly what: string; readonly reader: string; readonly writer: string }
  | { readonly kind: 'fixed-size'; readonly path: string; readonly reader: number; readonly writer: number }
  /** avsc refused and the walk found no reason: its own message. */
  | { readonly kind: 'unexplained'; readonly path: string; readonly reason: string };

/**
 * Why `reader` cannot read data written with `writer`; empty when it can. avsc's resolver decides
 * at every level; the walk only says where and why.
 */
export function findIncompatibilities(reader: Type, writer: Type): Incompatibility[] {
  const found = explain(reader, writer, '', new Set());
  const explained = found.filter((incompatibility) => incompatibility.kind !== 'unexplained');
  return explained.length > 0 ? explained : found;
}

/** "long", "long (timestamp-millis)", "[null, string]", "array of record PurchaseItem". */
function describeType(type: Type): string {
  if (isLogical(type)) return `${describeType(type.underlyingType)} (${type.typeName.replace(/^logical:/, '')})`;
  if (isUnion(type)) return `[${type.types.map(describeType).join(', ')}]`;
  if (isNamed(type)) return `${type.typeName} ${shortName(type.name!)}`;
  if (type instanceof types.ArrayType) return `array of ${describeType(type.itemsType)}`;
  if (type instanceof types.MapType) return `map of ${describeType(type.valuesType)}`;
  return type.typeName;
}

/** avsc's reason for refusing, or undefined when `reader` reads what `writer` wrote. */
function resolveError(reader: Type, writer: Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `ancestors` holds the record pairs being explained above this node, so recursive types end. */
function explain(reader: Type, writer: Type, path: string, ancestors: ReadonlySet<string>): Incompatibility[] {
  const error = resolveError(reader, writer);
  if (error === undefined) return [];
  const found = explainRefusal(reader, writer, path, ancestors);
  return found.length > 0 ? found : [{ kind: 'unexplained', path, reason: error }];
}

function explainRefusal(reader: Type, writer: Type, path: string, ancestors: ReadonlySet<string>): Incompatibility[] {
  if (isUnion(writer)) return explainWriterUnion(reader, writer, path, ancestors);
  if (isUnion(reader)) {
    const counterpart = counterpartOf(reader, writer);
    return counterpart ? explain(counterpart, writer, path, ancestors) : [typeChange(reader, writer, path)];
  }
  // avsc reads a logical type's underlying values with a plain reader.
  if (isLogical(writer) && !isLogical(reader)) return explain(reader, writer.underlyingType, path, ancestors);
  if (isLogical(reader) || reader.typeName !== writer.typeName) return [typeChange(reader, writer, path)];
  if (reader instanceof types.RecordType) return explainRecord(reader, writer as types.RecordType, path, ancestors);
  if (reader instanceof types.EnumType) return explainEnum(reader, writer as types.EnumType, path);
  if (reader instanceof types.FixedType) return explainFixed(reader, writer as types.FixedType, path);
  if (reader instanceof types.ArrayType) return explain(reader.itemsType, (writer as types.ArrayType).itemsType, `${path}[]`, ancestors);
  if (reader instanceof types.MapType) return explain(reader.valuesType, (writer as types.MapType).valuesType, `${path}{}`, ancestors);
  return [];
}

function explainWriterUnion(reader: Type, writer: UnionType, path: string, ancestors: ReadonlySet<string>): Incompatibility[] {
  const unreadable = writer.types.filter((branch) => resolveError(reader, branch) !== undefined);
  if (!isUnion(reader) && unreadable.length === writer.types.length) return [typeChange(reader, writer, path)];
  const lost = unreadable.filter((branch) => !counterpartOf(reader, branch));
  const deeper = unreadable.flatMap((branch) => {
    const counterpart = counterpartOf(reader, branch);
    return counterpart ? explain(counterpart, branch, path, ancestors) : [];
  });
  if (lost.length === 0) return deeper;
  return [{ kind: 'union-branches', path, reader: describeType(reader), writer: describeType(writer), branches: lost.map(describeType) }, ...deeper];
}

function explainRecord(reader: types.RecordType, writer: types.RecordType, path: string, ancestors: ReadonlySet<string>): Incompatibility[] {
  if (!hasCompatibleName(reader, writer)) return [renamedType(reader, writer, path)];
  const pair = `${reader.name} <- ${writer.name}`;
  if (ancestors.has(pair)) return [];
  const inner = new Set(ancestors).add(pair);
  const writerFields = new Map(writer.fields.map((field) => [field.name, field]));
  const matchesOf = (field: types.Field) => [...new Set([field.name, ...field.aliases])].filter((name) => writerFields.has(name));
  const matched = new Set(reader.fields.flatMap(matchesOf));
  const unmatchedWriterFields = writer.fields.filter((field) => !matched.has(field.name));
  return reader.fields.flatMap((field): Incompatibility[] => {
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    const matches = matchesOf(field);
    if (matches.length > 1) return [{ kind: 'ambiguous-aliases', path: fieldPath, matches }];
    if (matches.length === 1) return explain(field.type, writerFields.get(matches[0])!.type, fieldPath, inner);
    if (field.defaultValue() !== undefined) return [];
    return [{ kind: 'missing-field', path: fieldPath, writerField: lookalike(field, unmatchedWriterFields)?.name }];
  });
}

/** The writer field that is probably this reader field under another name: it names it as an alias, or it is the only one of the same type. */
function lookalike(field: types.Field, candidates: readonly types.Field[]): types.Field | undefined {
  const aliased = candidates.find((candidate) => candidate.aliases.includes(field.name));
  if (aliased) return aliased;
  const sameType = candidates.filter((candidate) => String(candidate.type) === String(field.type));
  return sameType.length === 1 ? sameType[0] : undefined;
}

function explainEnum(reader: types.EnumType, writer: types.EnumType, path: string): Incompatibility[] {
  if (!hasCompatibleName(reader, writer)) return [renamedType(reader, writer, path)];
  const symbols = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
  const hasDefault = (reader as types.EnumType & { default?: string }).default !== undefined;
  return symbols.length > 0 && !hasDefault ? [{ kind: 'enum-symbols', path, symbols }] : [];
}

function explainFixed(reader: types.FixedType, writer: types.FixedType, path: string): Incompatibility[] {
  if (!hasCompatibleName(reader, writer)) return [renamedType(reader, writer, path)];
  return reader.size !== writer.size ? [{ kind: 'fixed-size', path, reader: reader.size, writer: writer.size }] : [];
}

function typeChange(reader: Type, writer: Type, path: string): Incompatibility {
  const narrowed = resolveError(writer, reader) === undefined;
  return { kind: narrowed ? 'narrowed' : 'type-changed', path, reader: describeType(reader), writer: describeType(writer) };
}

function renamedType(reader: Type, writer: Type, path: string): Incompatibility {
  const namespaceOnly = shortName(reader.name!) === shortName(writer.name!);
  const name = (type: Type) => (namespaceOnly ? type.name! : shortName(type.name!));
  return { kind: 'renamed-type', path, what: reader.typeName, reader: name(reader), writer: name(writer) };
}

/** The reader type, or reader union branch, meant to take this writer type: the same kind, and for named types the same name when several could. */
function counterpartOf(reader: Type, writer: Type): Type | undefined {
  const sameKind = (isUnion(reader) ? reader.types : [reader]).filter((candidate) => baseTypeName(candidate) === baseTypeName(writer));
  if (isNamed(writer)) return sameKind.find((candidate) => hasCompatibleName(candidate, writer)) ?? (sameKind.length === 1 ? sameKind[0] : undefined);
  return sameKind[0];
}

/** As avsc decides it: the writer's full name is the reader's, or one of its aliases. */
function hasCompatibleName(reader: Type, writer: Type): boolean {
  return writer.name === undefined || reader.name === writer.name || (reader.aliases ?? []).includes(writer.name);
}

type UnionType = types.UnwrappedUnionType | types.WrappedUnionType;

function isUnion(type: Type): type is UnionType {
  return Type.isType(type, 'union');
}

function isLogical(type: Type): type is types.LogicalType {
  return Type.isType(type, 'logical');
}

function isNamed(type: Type): boolean {
  return Type.isType(type, 'record', 'error', 'enum', 'fixed');
}

function baseTypeName(type: Type): string {
  return isLogical(type) ? type.underlyingType.typeName : type.typeName;
}

function shortName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}
