import { decodeJsonResult } from './json-result';

const result = (meta: { name: string; type: string }[], data: string) => `{"meta": ${JSON.stringify(meta)}, "data": ${data}, "rows": 1}`;

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

  it('refuses output in another format', () => {
    expect(() => decodeJsonResult('1\n')).toThrow('leave out any FORMAT clause');
    expect(() => decodeJsonResult('{"one":1}\n')).toThrow('leave out any FORMAT clause');
  });
});
