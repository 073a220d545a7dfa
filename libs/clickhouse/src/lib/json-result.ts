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
