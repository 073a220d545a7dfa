import { isLosslessNumber, parse } from 'lossless-json';

interface JsonFormatResult {
  readonly meta: readonly { readonly name: string; readonly type: string }[];
  readonly data: Record<string, unknown>[];
}

/**
 * The rows of a result in ClickHouse's JSON format. It is parsed without losing digits, then each
 * number is turned by its column's type (in `meta`): in a Decimal column it becomes its exact text,
 * with the full scale ('0.10'), since 18.16 cannot quote decimals and a JS number would lose
 * digits; elsewhere it becomes a JS number (64-bit integers already arrive as strings).
 */
export function decodeJsonResult<Row>(text: string): Row[] {
  if (text.trim() === '') return [];
  return quotingDecimals<Row>(text) ?? losslessly<Row>(text);
}

/**
 * JSON.parse, about ten times as fast as lossless-json on a result of 50,000 rows, after quoting
 * each decimal so that it keeps its digits. ClickHouse's JSON format (18.16 and chDB alike) writes
 * every key of a row on a line of its own, after three tabs, with its name escaped as in `meta`,
 * and no string holds a raw line break, so such a line can be nothing else. Undefined when a
 * decimal was not quoted so (in an array, a tuple, a layout this does not know): then lossless-json
 * reads the whole result. Other numbers read the same either way: 64-bit integers arrive quoted,
 * and JSON.parse turns the rest into the doubles Number() would.
 */
function quotingDecimals<Row>(text: string): Row[] | undefined {
  const dataStart = text.indexOf('\n\t"data":');
  if (dataStart < 0) return undefined;
  const decimalNames = [...text.slice(0, dataStart).matchAll(/^\t\t\t"name": "((?:[^"\\]|\\.)*)",\n\t\t\t"type": "[^"\n]*Decimal[^"\n]*"$/gm)].map((match) => match[1]);
  const quoted =
    decimalNames.length === 0
      ? text
      : text.slice(0, dataStart) + text.slice(dataStart).replace(new RegExp(`^(\t\t\t"(?:${decimalNames.map(escapeRegExp).join('|')})": )(-?[0-9][0-9.]*)(,?)$`, 'gm'), '$1"$2"$3');
  let result: Partial<JsonFormatResult> | null;
  try {
    result = JSON.parse(quoted) as Partial<JsonFormatResult> | null;
  } catch {
    return undefined;
  }
  if (!Array.isArray(result?.meta) || !Array.isArray(result.data)) return undefined;
  const decimals = result.meta.filter((column) => column.type.includes('Decimal')).map((column) => column.name);
  const allQuoted = result.data.every((row) => decimals.every((name) => row[name] === null || typeof row[name] === 'string'));
  return allQuoted ? (result.data as Row[]) : undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function losslessly<Row>(text: string): Row[] {
  const result = parse(text) as unknown as Partial<JsonFormatResult> | null;
  if (!Array.isArray(result?.meta) || !Array.isArray(result.data)) throw new Error('the result is not in the JSON format: leave out any FORMAT clause');
  const { meta, data } = result as JsonFormatResult;
  const decimalColumns = new Set(meta.filter((column) => column.type.includes('Decimal')).map((column) => column.name));
  return data.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, plainValue(value, decimalColumns.has(name))])) as Row);
}

function plainValue(value: unknown, decimal: boolean): unknown {
  if (isLosslessNumber(value)) return decimal ? value.value : Number(value.value);
  if (Array.isArray(value)) return value.map((item) => plainValue(item, decimal));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainValue(item, decimal)]));
  }
  return value;
}
