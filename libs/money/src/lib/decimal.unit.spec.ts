import { addDecimal, canonicalDecimal, compareDecimal, divideDecimal, isAmount, isDecimal, scaleOfDecimal, subtractDecimal } from './decimal';
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

  it('refuses what is not a decimal string with a coded error', () => {
    expect(() => addDecimal('1e3', '1')).toThrow(MoneyError);
    expect(() => subtractDecimal('1', '')).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_DECIMAL' }));
    expect(() => compareDecimal(1 as unknown as string, '1')).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_DECIMAL' }));
  });
});
