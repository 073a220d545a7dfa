/**
 * Separates JSON texts in one parameter. JSON.stringify escapes every control character inside a
 * string, so none of its output holds this one.
 */
export const JSON_TEXTS_SEPARATOR = '\x1e';

/**
 * Many JSON values as one text parameter, for `string_to_array($n, <JSON_TEXTS_SEPARATOR>)`: each
 * element then goes to a json or jsonb column (or `::json`) and is parsed once, there. Inside one
 * JSON document read with json_to_recordset, each value would be parsed with the document and
 * again as its column; as a text array, each would be escaped into an array literal first.
 */
export function jsonTexts(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(JSON_TEXTS_SEPARATOR);
}
