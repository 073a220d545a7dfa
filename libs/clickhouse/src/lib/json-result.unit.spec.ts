import { decodeJsonResult } from './json-result';

const result = (meta: { name: string; type: string }[], data: string) => `{"meta": ${JSON.stringify(meta)}, "data": ${data}, "rows": 1}`;

/** A result laid out as ClickHouse writes its JSON format: a row's keys each on a line, after three tabs; "/" escaped. */
function laidOut(meta: { name: string; type: string }[], rows: Record<string, string>[]): string {
  const name = (text: string) => JSON.stringify(text).replace(/\//g, '\\/');
  const object = (entries: [string, string][]) => `\t\t{\n${entries.map(([key, value]) => `\t\t\t${name(key)}: ${value}`).join(',\n')}\n\t\t}`;
  return [
    '{',
    '\t"meta":',
    '\t[',
    meta.map((column) => object([['name', name(column.name)], ['type', JSON.stringify(column.type)]])).join(',\n'),
    '\t],',
    '',
    '\t"data":',
    '\t[',
    rows.map((row) => object(Object.entries(row))).join(',\n'),
    '\t],',
    '',
    `\t"rows": ${rows.length},`,
    '',
    '\t"statistics":',
    '\t{',
    '\t\t"elapsed": 0.000037313,',
    '\t\t"rows_read": 1',
    '\t}',
    '}',
    '',
  ].join('\n');
}

describe('decodeJsonResult', () => {
  it('gives decimals as their exact text, with the full scale, in arrays too', () => {
    const text = result(
      [
        { name: 'amount', type: 'Decimal(18, 2)' },
        { name: 'refund', type: 'Nullable(Decimal(18, 2))' },
        { name: 'parts', type: 'Array(Decimal(38, 2))' },
      ],
      '[{"amount": 9999999999999999.99, "refund": null, "parts": [0.10, -300000.00]}]',
    );
    expect(decodeJsonResult(text)).toEqual([{ amount: '9999999999999999.99', refund: null, parts: ['0.10', '-300000.00'] }]);
  });

  it('gives other numbers as numbers, and keeps strings, nulls and nested values', () => {
    const text = result(
      [
        { name: 'count', type: 'UInt32' },
        { name: 'big', type: 'UInt64' },
        { name: 'ratio', type: 'Float64' },
        { name: 'label', type: 'String' },
        { name: 'grid', type: 'Array(Array(Int8))' },
      ],
      '[{"count": 7, "big": "18446744073709551615", "ratio": -1.5e-7, "label": "0.10", "grid": [[1, -2], []]}]',
    );
    expect(decodeJsonResult(text)).toEqual([{ count: 7, big: '18446744073709551615', ratio: -1.5e-7, label: '0.10', grid: [[1, -2], []] }]);
  });

  it('reads the empty output of a statement without rows as no rows', () => {
    expect(decodeJsonResult('')).toEqual([]);
    expect(decodeJsonResult(result([{ name: 'n', type: 'UInt8' }], '[]'))).toEqual([]);
  });

  it('reads the layout ClickHouse writes the same, decimals with their full scale, whatever their columns are named', () => {
    const meta = [
      { name: 'customer_id', type: 'String' },
      { name: 'monetary', type: 'Decimal(18, 3)' },
      { name: 'refund/net "x"', type: 'Nullable(Decimal(18, 2))' },
      { name: 'frequency', type: 'UInt64' },
      { name: 'ratio', type: 'Float64' },
      { name: 'note', type: 'String' },
    ];
    const rows = [
      { customer_id: '"cus_1"', monetary: '128505971.000', 'refund/net "x"': '-0.10', frequency: '"5"', ratio: '0.25', note: '"\\t\\t\\t\\"monetary\\": 1.500"' },
      { customer_id: '"cus_2"', monetary: '-5.250', 'refund/net "x"': 'null', frequency: '"18446744073709551615"', ratio: '-1.5e-7', note: '""' },
    ];
    const expected = [
      { customer_id: 'cus_1', monetary: '128505971.000', 'refund/net "x"': '-0.10', frequency: '5', ratio: 0.25, note: '\t\t\t"monetary": 1.500' },
      { customer_id: 'cus_2', monetary: '-5.250', 'refund/net "x"': null, frequency: '18446744073709551615', ratio: -1.5e-7, note: '' },
    ];
    expect(decodeJsonResult(laidOut(meta, rows))).toEqual(expected);
  });

  it('reads a decimal it cannot quote in place, in an array, losslessly all the same', () => {
    const meta = [
      { name: 'amount', type: 'Decimal(18, 2)' },
      { name: 'parts', type: 'Array(Decimal(38, 2))' },
    ];
    expect(decodeJsonResult(laidOut(meta, [{ amount: '1.50', parts: '[0.10, -300000.00]' }]))).toEqual([{ amount: '1.50', parts: ['0.10', '-300000.00'] }]);
  });

  it('refuses output in another format', () => {
    expect(() => decodeJsonResult('1\n')).toThrow('leave out any FORMAT clause');
    expect(() => decodeJsonResult('{"one":1}\n')).toThrow('leave out any FORMAT clause');
  });
});
