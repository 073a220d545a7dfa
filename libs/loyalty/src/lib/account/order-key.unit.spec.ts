import fc from 'fast-check';
import { orderKey } from './order-key';

describe('orderKey', () => {
  it.each([
    ['ت-۱۲', 'ت-12'],
    ['ORD-٤٥', 'ORD-45'],
    ['\u200fت-1\u200c2 ', 'ت-12'],
    ['سفارش-كي-1', 'سفارش-کی-1'],
    ['ORD-12', 'ORD-12'],
  ])('keys %j as %j', (typed, key) => expect(orderKey(typed)).toBe(key));

  it('keys a key as itself, and leaves plain ASCII ids as they are', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (typed) => orderKey(orderKey(typed)) === orderKey(typed)), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'ABCabc012-_/ '), minLength: 1 }).map((s) => `x${s}x`), (id) => orderKey(id) === id));
  });
});
