import fc from 'fast-check';
import { addDecimal, canonicalDecimal, compareDecimal, divideDecimal, floorDecimal, floorDivideDecimal, isAmount, isDecimal, multiplyDecimal, scaleOfDecimal, subtractDecimal } from './decimal';
import { MoneyError } from './money.errors';

describe('decimal strings', () => {
  describe('isDecimal / isAmount', () => {
    it.each(['0', '300000', '12.50', '0.001', '007', '-12.5', '-0'])('%s is a decimal', (value) => {
      expect(isDecimal(value)).toBe(true);
    });

    it.each(['', '1.', '.5', '+1', '1e3', ' 1', '1 ', '1,5', '١٢', '--1', '-', 'NaN', 'Infinity'])('%j is not a decimal', (value) => {
      expect(isDecimal(value)).toBe(false);
    });

    it('is false for anything that is not a string, a number included', () => {
      expect(isDecimal(12)).toBe(false);
      expect(isDecimal(null)).toBe(false);
      expect(isDecimal(10n)).toBe(false);
    });

    it('an amount is a decimal that is not negative', () => {
      expect(isAmount('150000')).toBe(true);
      expect(isAmount('0.00')).toBe(true);
      expect(isAmount('-1')).toBe(false);
      expect(isAmount('x')).toBe(false);
    });
  });

  describe('the canonical form', () => {
    it.each([
      ['007.50', '7.50'],
      ['0.5', '0.5'],
      ['000', '0'],
      ['-0', '0'],
      ['-0.00', '0.00'],
      ['-012.5', '-12.5'],
      ['12.50', '12.50'],
    ])('%s is written %s: no leading zeros, the scale kept', (value, canonical) => {
      expect(canonicalDecimal(value)).toBe(canonical);
    });

    it('knows the scale of a decimal', () => {
      expect(scaleOfDecimal('300000')).toBe(0);
      expect(scaleOfDecimal('12.50')).toBe(2);
    });
  });

  describe('addDecimal', () => {
    it('adds exactly, where floats would not', () => {
      expect(addDecimal('0.1', '0.2')).toBe('0.3');
      expect(addDecimal('9007199254740993', '1')).toBe('9007199254740994');
    });

    it('keeps the larger scale of the two', () => {
      expect(addDecimal('300000', '12.50')).toBe('300012.50');
      expect(addDecimal('1.5', '1.5')).toBe('3.0');
    });

    it('adds negative decimals too', () => {
      expect(addDecimal('-12.5', '2')).toBe('-10.5');
    });
  });

  describe('subtractDecimal', () => {
    it('gives the net of a purchase and a refund', () => {
      expect(subtractDecimal('300000', '150000')).toBe('150000');
    });

    it('goes negative when more is taken than there was', () => {
      expect(subtractDecimal('0', '12.5')).toBe('-12.5');
      expect(subtractDecimal('10', '22.50')).toBe('-12.50');
    });

    it('gives an unsigned zero', () => {
      expect(subtractDecimal('12.50', '12.5')).toBe('0.00');
    });
  });

  describe('compareDecimal', () => {
    it('compares by value, whatever the scale', () => {
      expect(compareDecimal('1.5', '1.50')).toBe(0);
      expect(compareDecimal('2', '10')).toBe(-1);
      expect(compareDecimal('10', '9.99')).toBe(1);
      expect(compareDecimal('-1', '0')).toBe(-1);
      expect(compareDecimal('-0', '0.0')).toBe(0);
    });
  });

  describe('divideDecimal', () => {
    it('averages a total over a count at the scale asked', () => {
      expect(divideDecimal('450000', 2, 2)).toBe('225000.00');
      expect(divideDecimal('100', 3, 2)).toBe('33.33');
      expect(divideDecimal('200', 3, 2)).toBe('66.67');
    });

    it('rounds half up, that is away from zero', () => {
      expect(divideDecimal('0.125', 1, 2)).toBe('0.13');
      expect(divideDecimal('0.124', 1, 2)).toBe('0.12');
      expect(divideDecimal('10', 4, 0)).toBe('3');
      expect(divideDecimal('-10', 4, 0)).toBe('-3');
      expect(divideDecimal('10', -4, 0)).toBe('-3');
      expect(divideDecimal('-0.125', 1, 2)).toBe('-0.13');
    });

    it('accepts a bigint divisor and a scale below the amount scale', () => {
      expect(divideDecimal('1.2345', 1n, 2)).toBe('1.23');
      expect(divideDecimal('1.235', 1n, 2)).toBe('1.24');
    });

    it('gives an unsigned zero when the quotient rounds to zero', () => {
      expect(divideDecimal('-0.001', 1, 2)).toBe('0.00');
    });

    it('refuses a zero divisor, a fractional divisor and a bad scale', () => {
      expect(() => divideDecimal('1', 0, 2)).toThrow(expect.objectContaining({ code: 'MONEY.DIVISION_BY_ZERO' }));
      expect(() => divideDecimal('1', 1.5, 2)).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_ARGUMENT' }));
      expect(() => divideDecimal('1', 2, -1)).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_ARGUMENT' }));
    });
  });

  describe('multiplyDecimal', () => {
    it('multiplies exactly, where floats would not', () => {
      expect(multiplyDecimal('0.1', '0.2')).toBe('0.02');
      expect(multiplyDecimal('9007199254740993', '3')).toBe('27021597764222979');
    });

    it('has the sum of the scales as its scale', () => {
      expect(multiplyDecimal('300000', '0.1')).toBe('30000.0');
      expect(multiplyDecimal('1.5', '1.25')).toBe('1.875');
      expect(multiplyDecimal('12.50', '2')).toBe('25.00');
    });

    it('gives the sign of the product, and an unsigned zero', () => {
      expect(multiplyDecimal('-1.5', '2')).toBe('-3.0');
      expect(multiplyDecimal('-1.5', '-2')).toBe('3.0');
      expect(multiplyDecimal('-1.5', '0.00')).toBe('0.000');
    });

    it('agrees with BigInt on integers', () => {
      const int = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });
      fc.assert(fc.property(int, int, (a, b) => multiplyDecimal(String(a), String(b)) === String(a * b)));
    });
  });

  describe('floorDecimal', () => {
    it.each([
      ['30000.0', 30000n],
      ['1.875', 1n],
      ['0.999', 0n],
      ['7', 7n],
      ['-1.5', -2n],
      ['-2.0', -2n],
      ['-0.001', -1n],
    ])('the floor of %s is %s', (value, floor) => {
      expect(floorDecimal(value)).toBe(floor);
    });
  });

  describe('floorDivideDecimal', () => {
    it('divides exactly and rounds down, whatever the scales', () => {
      expect(floorDivideDecimal('7', '2')).toBe(3n);
      expect(floorDivideDecimal('1', '0.3')).toBe(3n);
      expect(floorDivideDecimal('300', '150.00')).toBe(2n);
      expect(floorDivideDecimal('299.99', '150')).toBe(1n);
    });

    it('rounds toward minus infinity when the quotient is negative', () => {
      expect(floorDivideDecimal('-7', '2')).toBe(-4n);
      expect(floorDivideDecimal('7', '-2')).toBe(-4n);
      expect(floorDivideDecimal('-7', '-2')).toBe(3n);
      expect(floorDivideDecimal('-6', '2')).toBe(-3n);
    });

    it('refuses a zero divisor', () => {
      expect(() => floorDivideDecimal('1', '0.00')).toThrow(expect.objectContaining({ code: 'MONEY.DIVISION_BY_ZERO' }));
    });

    it('agrees with floor(a / b) on integers', () => {
      const int = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n });
      fc.assert(
        fc.property(int, int.filter((b) => b !== 0n), (a, b) => {
          const q = floorDivideDecimal(String(a), String(b));
          // q ≤ a/b < q + 1, written without division.
          const positive = b > 0n;
          expect(positive ? q * b <= a && a < (q + 1n) * b : q * b >= a && a > (q + 1n) * b).toBe(true);
        }),
      );
    });
  });

  it('refuses what is not a decimal string with a coded error', () => {
    expect(() => addDecimal('1e3', '1')).toThrow(MoneyError);
    expect(() => subtractDecimal('1', '')).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_DECIMAL' }));
    expect(() => compareDecimal(1 as unknown as string, '1')).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_DECIMAL' }));
    expect(() => multiplyDecimal('1', '.5')).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_DECIMAL' }));
    expect(() => floorDecimal('1.')).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_DECIMAL' }));
  });
});
