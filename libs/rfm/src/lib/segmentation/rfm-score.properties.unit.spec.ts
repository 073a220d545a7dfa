import { compareDecimal } from '@cdp/money';
import fc from 'fast-check';
import type { RfmMeasures } from './rfm-measures';
import { fmScore, scoreFromRank, scoreRfm, segmentOf, type RfmScored } from './rfm-score';
import { RFM_SCORES, type RfmScore } from './rfm-segment-grid';

const RUNS = { numRuns: 300 };

/** A decimal of small magnitude, so that values tie often, written at scales 0..3. */
const decimal = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 3 })).map(([units, scale]) => {
  const digits = Math.abs(units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return `${units < 0 ? '-' : ''}${text}`;
});

const population = fc
  .array(fc.record({ recencyDays: fc.integer({ min: 0, max: 30 }), frequency: fc.integer({ min: 0, max: 8 }), monetary: decimal }), { minLength: 1, maxLength: 60 })
  .map((rows): RfmMeasures[] => rows.map((row, i) => ({ customerId: `c${i}`, ...row })));

const withPermutation = population.chain((measures) => fc.tuple(fc.constant(measures), fc.shuffledSubarray(measures, { minLength: measures.length, maxLength: measures.length })));

/** Each measure as a comparator: positive when a is strictly better than b. */
const BETTER = {
  r: (a: RfmMeasures, b: RfmMeasures) => b.recencyDays - a.recencyDays,
  f: (a: RfmMeasures, b: RfmMeasures) => a.frequency - b.frequency,
  m: (a: RfmMeasures, b: RfmMeasures) => compareDecimal(a.monetary, b.monetary),
} as const;
const MEASURES = ['r', 'f', 'm'] as const;

const byId = (scored: readonly RfmScored[]) => new Map(scored.map((s) => [s.customerId, s]));

describe('RFM scores, properties', () => {
  it('are 1..5, with FM and the segment following from them', () => {
    fc.assert(
      fc.property(population, (measures) => {
        for (const s of scoreRfm(measures)) {
          for (const score of [s.r, s.f, s.m, s.fm]) expect(RFM_SCORES).toContain(score);
          expect(s.fm).toBe(fmScore(s.f, s.m));
          expect(s.segment).toBe(segmentOf(s.r, s.fm));
        }
      }),
      RUNS,
    );
  });

  it('equal 1 + floor(5 × L / N), L counted pair by pair, independently of the sort', () => {
    fc.assert(
      fc.property(population, (measures) => {
        scoreRfm(measures).forEach((scored, i) => {
          for (const measure of MEASURES) {
            const worse = measures.filter((other) => BETTER[measure](measures[i], other) > 0).length;
            expect(scored[measure]).toBe(1 + Math.floor((5 * worse) / measures.length));
          }
        });
      }),
      RUNS,
    );
  });

  it('do not depend on the order of the population', () => {
    fc.assert(
      fc.property(withPermutation, ([measures, shuffled]) => {
        expect(byId(scoreRfm(shuffled))).toEqual(byId(scoreRfm(measures)));
      }),
      RUNS,
    );
  });

  it('are equal for tied measures, and never lower for a strictly better one', () => {
    fc.assert(
      fc.property(population, (measures) => {
        const scored = scoreRfm(measures);
        for (const measure of MEASURES) {
          for (let a = 0; a < measures.length; a++) {
            for (let b = 0; b < measures.length; b++) {
              const better = BETTER[measure](measures[a], measures[b]);
              if (better === 0) expect(scored[a][measure]).toBe(scored[b][measure]);
              if (better > 0) expect(scored[a][measure]).toBeGreaterThanOrEqual(scored[b][measure]);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('give the worst value 1, and the best value 5 exactly when at most a fifth of the population shares it', () => {
    fc.assert(
      fc.property(population, (measures) => {
        const scored = scoreRfm(measures);
        for (const measure of MEASURES) {
          const isWorst = (x: RfmMeasures) => measures.every((other) => BETTER[measure](x, other) <= 0);
          const isBest = (x: RfmMeasures) => measures.every((other) => BETTER[measure](x, other) >= 0);
          const sharingBest = measures.filter(isBest).length;
          measures.forEach((x, i) => {
            if (isWorst(x)) expect(scored[i][measure]).toBe(1);
            if (isBest(x)) expect(scored[i][measure] === 5).toBe(5 * sharingBest <= measures.length);
          });
        }
      }),
      RUNS,
    );
  });

  it('split distinct values into five groups of floor(N/5) or ceil(N/5) customers', () => {
    const distinct = fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(distinct, (counts) => {
        const measures = counts.map((frequency, i) => ({ customerId: `c${i}`, recencyDays: 0, frequency, monetary: '0' }));
        const n = counts.length;
        for (const score of RFM_SCORES) {
          const size = scoreRfm(measures).filter((s) => s.f === score).length;
          expect([Math.floor(n / 5), Math.ceil(n / 5)]).toContain(size);
        }
      }),
      RUNS,
    );
  });

  it('do not change when an amount is written with more decimal places', () => {
    const padding = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 60, maxLength: 60 });
    fc.assert(
      fc.property(population, padding, (measures, zeros) => {
        const rescaled = measures.map((x, i) => ({ ...x, monetary: `${x.monetary}${x.monetary.includes('.') ? '' : '.'}${'0'.repeat(zeros[i] + 1)}` }));
        expect(scoreRfm(rescaled).map((s) => s.m)).toEqual(scoreRfm(measures).map((s) => s.m));
      }),
      RUNS,
    );
  });

  it('give FM between F and M, the same either way round', () => {
    const score = fc.constantFrom(...RFM_SCORES);
    fc.assert(
      fc.property(score, score, (f: RfmScore, m: RfmScore) => {
        const fm = fmScore(f, m);
        expect(fm).toBe(fmScore(m, f));
        expect(fm).toBeGreaterThanOrEqual(Math.min(f, m));
        expect(fm).toBeLessThanOrEqual(Math.max(f, m));
      }),
      RUNS,
    );
  });

  it('of a rank are 1..5 and never fall as the rank rises', () => {
    const rank = fc.integer({ min: 1, max: 1_000_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: Math.max(0, n - 2) }), fc.constant(n)));
    fc.assert(
      fc.property(rank, ([worse, n]) => {
        const score = scoreFromRank(worse, n);
        expect(RFM_SCORES).toContain(score);
        if (worse + 1 < n) expect(scoreFromRank(worse + 1, n)).toBeGreaterThanOrEqual(score);
      }),
      RUNS,
    );
  });
});
