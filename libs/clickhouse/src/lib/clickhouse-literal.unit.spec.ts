import { sqlIdentifier, sqlLiteral, type SqlValue } from './clickhouse-literal';

describe('sqlLiteral', () => {
  it.each<[SqlValue, string]>([
    ['plain', "'plain'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ['a\nb\rc\td', "'a\\nb\\rc\\td'"],
    ['nul\0bell\x07del\x7fesc\x1b', "'nul\\0bell\\x07del\\x7fesc\\x1b'"],
    ['\b\f', "'\\b\\f'"],
    ['ünï 😀 "quoted" `ticked`', "'ünï 😀 \"quoted\" `ticked`'"],
    ['{x:UInt8} ?', "'{x:UInt8} ?'"],
    ['', "''"],
  ])('quotes the string %j as %s', (value, literal) => {
    expect(sqlLiteral(value)).toBe(literal);
  });

  it.each<[SqlValue, string]>([
    [0, '0'],
    [42, '42'],
    [-7, '(-7)'],
    [0.1, '0.1'],
    [-2.5e-7, '(-2.5e-7)'],
    [1e21, '1e+21'],
    [18446744073709551615n, '18446744073709551615'],
    [-9223372036854775808n, '(-9223372036854775808)'],
    [true, '1'],
    [false, '0'],
    [null, 'NULL'],
  ])('writes %p as %s', (value, literal) => {
    expect(sqlLiteral(value)).toBe(literal);
  });

  it('writes a Date as a UTC DateTime, to the second', () => {
    expect(sqlLiteral(new Date('2026-11-20T10:15:00.999Z'))).toBe("toDateTime('2026-11-20 10:15:00', 'UTC')");
  });

  it('writes arrays of any of these, nested too', () => {
    expect(sqlLiteral(['a', "b'"])).toBe("['a', 'b\\'']");
    expect(sqlLiteral([[1, -2], []])).toBe('[[1, (-2)], []]');
    expect(sqlLiteral([null, 'x'])).toBe("[NULL, 'x']");
  });

  it('keeps a negative number from turning a minus into a comment', () => {
    expect(`a-${sqlLiteral(-1)}`).toBe('a-(-1)');
  });

  it('refuses what has no exact literal', () => {
    expect(() => sqlLiteral(Number.NaN)).toThrow(RangeError);
    expect(() => sqlLiteral(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => sqlLiteral(-Number.MIN_VALUE)).toThrow(RangeError);
    expect(() => sqlLiteral(2n ** 64n)).toThrow(RangeError);
    expect(() => sqlLiteral(-(2n ** 63n) - 1n)).toThrow(RangeError);
    expect(() => sqlLiteral('lone \ud800 surrogate')).toThrow(RangeError);
    expect(() => sqlLiteral(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => sqlLiteral(undefined as unknown as SqlValue)).toThrow(TypeError);
    expect(() => sqlLiteral({ a: 1 } as unknown as SqlValue)).toThrow(TypeError);
  });
});

describe('sqlIdentifier', () => {
  it('backtick-quotes a lower-case name', () => {
    expect(sqlIdentifier('customer_orders_2')).toBe('`customer_orders_2`');
    expect(sqlIdentifier('_x')).toBe('`_x`');
  });

  it.each(['', 'Orders', '1st', 'a-b', 'a.b', 'a`b', 'a b', 'x'.repeat(64)])('refuses %j', (name) => {
    expect(() => sqlIdentifier(name)).toThrow('not a valid ClickHouse identifier');
  });
});
