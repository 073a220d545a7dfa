import { amountWithinLimits } from './amount-limits';

describe('amountWithinLimits', () => {
  it.each([
    ['300000', '300000'],
    ['0300000.50', '300000.50'],
    ['12.5000', '12.500'],
    ['999999999999999.999', '999999999999999.999'],
    ['0.001', '0.001'],
  ])('keeps %s as %s', (value, stored) => {
    expect(amountWithinLimits(value)).toBe(stored);
  });

  it.each(['10.0001', '1000000000000000', '12.50001', '-1', '1e3', 300000, ''])('refuses %p', (value) => {
    expect(amountWithinLimits(value)).toBeUndefined();
  });
});
