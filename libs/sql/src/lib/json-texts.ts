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

/**
 * The FROM item of rows sent as the three parameters from `$first` on (see rowsWithJsonTextsParameters):
 * their short columns as one JSON document, read as `r` with json_to_recordset and `columns`, and one
 * JSON value per row as jsonTexts, paired back by position as the text column `d.<value>`, to cast.
 */
export function rowsWithJsonTexts(first: number, columns: string, value: string): string {
  const names = columns.split(',').map((column) => column.trim().split(/\s+/)[0]);
  return `ROWS FROM (json_to_recordset($${first}::json) AS (${columns})) WITH ORDINALITY AS r(${names.join(', ')}, n)
    JOIN unnest(string_to_array($${first + 1}, $${first + 2})) WITH ORDINALITY AS d(${value}, n) USING (n)`;
}

/** The parameters of rowsWithJsonTexts: the rows' short columns as one document, each row's value as jsonTexts, the separator. */
export function rowsWithJsonTextsParameters(rows: readonly object[], values: readonly unknown[]): [string, string, string] {
  return [JSON.stringify(rows), jsonTexts(values), JSON_TEXTS_SEPARATOR];
}
