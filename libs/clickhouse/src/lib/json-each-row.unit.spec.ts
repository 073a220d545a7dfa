import { encodeJsonEachRow } from './json-each-row';

describe('encodeJsonEachRow', () => {
  it('writes one line a row, and decimal strings of decimal columns as bare numbers', () => {
    const rows = [
      { id: 'a', amount: '300000.10', parts: ['0.10', '-2'], label: '0.10' },
      { id: 'b', amount: 7.5, parts: [], label: 'x' },
    ];
    expect(encodeJsonEachRow(rows, new Set(['amount', 'parts']))).toBe(
      '{"id":"a","amount":300000.10,"parts":[0.10,-2],"label":"0.10"}\n{"id":"b","amount":7.5,"parts":[],"label":"x"}\n',
    );
  });

  it('quotes what is not a decimal, even in a decimal column, so ClickHouse refuses it', () => {
    expect(encodeJsonEachRow([{ amount: '1e3' }, { amount: '1,5' }, { amount: '}' }], new Set(['amount']))).toBe(
      '{"amount":"1e3"}\n{"amount":"1,5"}\n{"amount":"}"}\n',
    );
  });

  it('writes bigints bare, booleans as 1 and 0, Dates as UTC DateTime text, and leaves out undefined', () => {
    const row = { id: 18446744073709551615n, flag: true, off: false, at: new Date('2026-11-20T10:15:00.900Z'), note: null, skipped: undefined };
    expect(encodeJsonEachRow([row], new Set())).toBe('{"id":18446744073709551615,"flag":1,"off":0,"at":"2026-11-20 10:15:00","note":null}\n');
  });

  it('escapes strings and names as JSON', () => {
    expect(encodeJsonEachRow([{ 'we"ird': 'line\nbreak "q" \\ \0' }], new Set())).toBe('{"we\\"ird":"line\\nbreak \\"q\\" \\\\ \\u0000"}\n');
  });

  it('refuses values that have no exact JSON', () => {
    expect(() => encodeJsonEachRow([{ n: Number.NaN }], new Set())).toThrow(RangeError);
    expect(() => encodeJsonEachRow([{ n: Number.POSITIVE_INFINITY }], new Set())).toThrow(RangeError);
    expect(() => encodeJsonEachRow([{ n: { nested: 1 } }], new Set())).toThrow(TypeError);
  });
});
