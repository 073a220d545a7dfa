import { types, type Type } from 'avsc';
import { visitAvroTypes } from './avro-type-walk';

/**
 * Each record of the payload checked for a field whose name or alias is another field's name or
 * alias. avsc resolves an earlier version's field into both: after "plate" is renamed
 * "licencePlate" with the alias "plate", a new field "plate" would show the old plate too.
 */
export function fieldNameClashes(payloadType: Type): string[] {
  const problems: string[] = [];
  visitAvroTypes(payloadType, 'payload', (type, path) => {
    if (!(type instanceof types.RecordType)) return;
    const holderOf = new Map<string, types.Field>();
    for (const field of type.fields) {
      for (const name of [field.name, ...field.aliases]) {
        const holder = holderOf.get(name);
        if (holder && holder !== field) {
          problems.push(
            `record ${type.name} (${path}): the fields "${holder.name}" and "${field.name}" both answer to "${name}" (as a name or an alias), so what earlier versions wrote under "${name}" would be read into both: give the newer field another name`,
          );
        }
        holderOf.set(name, field);
      }
    }
  });
  return problems;
}
