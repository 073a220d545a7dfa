import fc from 'fast-check';
import { addDecimal, canonicalDecimal, compareDecimal, divideDecimal, scaleOfDecimal, subtractDecimal } from './decimal';

const RUNS = { numRuns: 300 };

/** A decimal string from an integer number of units and a scale, sometimes with leading zeros. */
const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 2 }))
  .map(([units, scale, zeros]) => {
    const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return `${units < 0n ? '-' : ''}${'0'.repeat(zeros)}${text}`;
  });

/** The value of a decimal as a fraction units / 10^scale, to check results independently. */
const units = (d: string, scale: number) => {
  const [whole, fraction = ''] = d.replace('-', '').split('.');
  const u = BigInt(whole + fraction.padEnd(scale, '0'));
  return d.startsWith('-') ? -u : u;
};

const abs = (n: bigint) => (n < 0n ? -n : n);

describe('decimal arithmetic, properties', () => {
  it('addition is commutative, as strings', () => {
    fc.assert(fc.property(decimal, decimal, (a, b) => addDecimal(a, b) === addDecimal(b, a)), RUNS);
  });

  it('addition is associative, as strings', () => {
    fc.assert(fc.property(decimal, decimal, decimal, (a, b, c) => addDecimal(addDecimal(a, b), c) === addDecimal(a, addDecimal(b, c))), RUNS);
  });

  it('a + b − b equals a in value, and as a string when a has the larger scale', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const back = subtractDecimal(addDecimal(a, b), b);
        expect(compareDecimal(back, a)).toBe(0);
        expect(scaleOfDecimal(back)).toBe(Math.max(scaleOfDecimal(a), scaleOfDecimal(b)));
        if (scaleOfDecimal(a) >= scaleOfDecimal(b)) expect(back).toBe(canonicalDecimal(a));
      }),
      RUNS,
    );
  });

  it('agrees with BigInt on integers', () => {
    const int = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });
    fc.assert(
      fc.property(int, int, (a, b) => {
        expect(addDecimal(String(a), String(b))).toBe(String(a + b));
        expect(subtractDecimal(String(a), String(b))).toBe(String(a - b));
        expect(compareDecimal(String(a), String(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
      RUNS,
    );
  });

  it('agrees with exact fractions on mixed scales', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const s = Math.max(scaleOfDecimal(a), scaleOfDecimal(b));
        expect(units(addDecimal(a, b), s)).toBe(units(a, s) + units(b, s));
        expect(units(subtractDecimal(a, b), s)).toBe(units(a, s) - units(b, s));
      }),
      RUNS,
    );
  });

  it('division rounds to the nearest, half away from zero', () => {
    fc.assert(
      fc.property(decimal, fc.integer({ min: -1000, max: 1000 }).filter((n) => n !== 0), fc.integer({ min: 0, max: 6 }), (a, n, scale) => {
        const q = divideDecimal(a, n, scale);
        expect(scaleOfDecimal(q)).toBe(scale);
        // |a/n − q| ≤ half a unit of the result, with ties going away from zero; all in units of 10^-(s+scale).
        const s = scaleOfDecimal(a);
        const exact = units(a, s) * 10n ** BigInt(scale); // a·10^(s+scale), still to divide by n
        const approx = units(q, scale) * BigInt(n) * 10n ** BigInt(s);
        const error = exact - approx;
        const half = BigInt(Math.abs(n)) * 10n ** BigInt(s);
        expect(2n * abs(error) <= half).toBe(true);
        // On a tie, q is the one of the two neighbours further from zero.
        if (2n * abs(error) === half) expect(abs(approx) > abs(exact)).toBe(true);
      }),
      RUNS,
    );
  });
});
