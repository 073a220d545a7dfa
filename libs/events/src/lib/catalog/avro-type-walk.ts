import { types, type Type } from 'avsc';

/**
 * Calls `visit` with every type a schema holds, each with where it is: "payload.items[]" for a
 * list's items, "payload.attributes{}" for a map's values. A union visits each branch at its own
 * path; a record met again (a recursive type) is not gone into twice.
 */
export function visitAvroTypes(type: Type, path: string, visit: (type: Type, path: string) => void, seen = new Set<Type>()): void {
  if (seen.has(type)) return;
  seen.add(type);
  visit(type, path);
  const inner = (child: Type, childPath: string) => visitAvroTypes(child, childPath, visit, seen);
  if (type instanceof types.RecordType) for (const field of type.fields) inner(field.type, `${path}.${field.name}`);
  else if (type instanceof types.ArrayType) inner(type.itemsType, `${path}[]`);
  else if (type instanceof types.MapType) inner(type.valuesType, `${path}{}`);
  else if (type instanceof types.UnwrappedUnionType || type instanceof types.WrappedUnionType) for (const branch of type.types) inner(branch, path);
  else if (type instanceof types.LogicalType) inner(type.underlyingType, path);
}
