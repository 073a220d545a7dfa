import { addMoney, amountIn, isCurrencyCode, subtractMoney, sumMoney } from './money-by-currency';

describe('money by currency', () => {
  it('adds an amount to its currency, starting from none', () => {
    const money = addMoney(addMoney({}, 'IRR', '300000'), 'IRR', '150000');
    expect(money).toEqual({ IRR: '450000' });
  });

  it('keeps currencies apart, in sorted order whatever order they came in', () => {
    const money = addMoney(addMoney({}, 'USD', '12.50'), 'IRR', '300000');
    expect(money).toEqual({ IRR: '300000', USD: '12.50' });
    expect(JSON.stringify(money)).toBe(JSON.stringify(addMoney(addMoney({}, 'IRR', '300000'), 'USD', '12.50')));
  });

  it('writes an added amount in canonical form', () => {
    expect(addMoney({}, 'IRR', '0300000')).toEqual({ IRR: '300000' });
  });

  it('does not change the map it was given', () => {
    const before = { IRR: '1' };
    addMoney(before, 'IRR', '1');
    expect(before).toEqual({ IRR: '1' });
  });

  it('refuses a negative or malformed amount, and a currency that is not an ISO 4217 code', () => {
    expect(() => addMoney({}, 'IRR', '-1')).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_DECIMAL' }));
    expect(() => addMoney({}, 'IRR', '1e5')).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_DECIMAL' }));
    expect(() => addMoney({}, 'irr', '1')).toThrow(expect.objectContaining({ code: 'MONEY.INVALID_CURRENCY' }));
    expect(isCurrencyCode('constructor')).toBe(false);
  });

  it('reads only the currencies it holds, never inherited properties', () => {
    expect(amountIn({ IRR: '1' }, 'IRR')).toBe('1');
    expect(amountIn({}, 'toString')).toBeUndefined();
  });

  it('sums and subtracts two maps over the currencies of both', () => {
    const gross = { IRR: '300000', USD: '10' };
    const refunded = { IRR: '150000', EUR: '5.00' };
    expect(sumMoney(gross, refunded)).toEqual({ EUR: '5.00', IRR: '450000', USD: '10' });
    expect(subtractMoney(gross, refunded)).toEqual({ EUR: '-5.00', IRR: '150000', USD: '10' });
  });
});
