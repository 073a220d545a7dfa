import { Type, types } from 'avsc';
import { SchemaCatalogError } from './schema-catalog-error';
import { type TouchpointManifest } from './touchpoint-manifest';

/**
 * The manifest's money paths checked against the payload schema new touchpoints are written with:
 * each names a string field that cannot be null and has no default (a path may go into lists:
 * "items[].unitPrice"). Ingestion refuses a touchpoint without its amounts and currencies, whatever
 * the schema says, so a nullable or defaulted one would refuse what the schema allows.
 */
export function checkMoneyFields(manifest: TouchpointManifest, payloadType: Type, where: string): void {
  const problems = manifest.money.flatMap(({ amount, currency }) => [amount, currency]).flatMap((path) => {
    const field = payloadFieldAt(payloadType, path);
    if (!field) return [`money field "${path}" is not a field of the payload`];
    if (field.type.typeName !== 'string' || field.defaultValue() !== undefined) {
      return [`money field "${path}" must be a string that cannot be null and has no default: every amount and currency is required (a touchpoint that may have no amount is another type, or leave the field out of "money")`];
    }
    return [];
  });
  if (problems.length > 0) throw new SchemaCatalogError(`${where}: ${problems.join('; ')}`);
}

/** The field a path such as "items[].unitPrice" names in the payload, through records and lists, either of them perhaps in a union with null. */
export function payloadFieldAt(payloadType: Type, path: string): types.Field | undefined {
  return fieldAt(payloadType, path.split('.'));
}

function fieldAt(type: Type, [step, ...rest]: string[]): types.Field | undefined {
  const listed = step.endsWith('[]');
  const field = (withoutNull(type) as types.RecordType).fields?.find((f) => f.name === step.replace(/\[\]$/, ''));
  if (!field || rest.length === 0) return listed ? undefined : field;
  const holder = withoutNull(field.type);
  if (!listed) return fieldAt(holder, rest);
  return holder.typeName === 'array' ? fieldAt((holder as types.ArrayType).itemsType, rest) : undefined;
}

/** X of ["null", X]; any other type as it is. */
/** The type a union with null holds besides null; any other type as it is. */
export function withoutNull(type: Type): Type {
  if (!type.typeName.startsWith('union:')) return type;
  const branches = (type as types.UnwrappedUnionType).types.filter((t) => t.typeName !== 'null');
  return branches.length === 1 ? branches[0] : type;
}
