import { InvalidRfmMeasuresError, RfmError } from './rfm.errors';
import type { RfmMeasures } from './rfm-measures';
import { fmScore, scoreFromRank, scoreRfm, segmentOf } from './rfm-score';
import { parseRfmGrid, type RfmScore } from './rfm-segment-grid';
import { errorOf } from '../testing/error-of';

/** Customers c1..cn with these measures; the others are the same for everyone, so they tie. */
const recencies = (...days: number[]): RfmMeasures[] => days.map((recencyDays, i) => ({ customerId: `c${i + 1}`, recencyDays, frequency: 1, monetary: '0' }));
const frequencies = (...counts: number[]): RfmMeasures[] => counts.map((frequency, i) => ({ customerId: `c${i + 1}`, recencyDays: 0, frequency, monetary: '0' }));
const monetaries = (...amounts: string[]): RfmMeasures[] => amounts.map((monetary, i) => ({ customerId: `c${i + 1}`, recencyDays: 0, frequency: 1, monetary }));

/** Given these measures, when they are scored, then each customer's score on one measure is... */
const given = (measures: RfmMeasures[]) => ({
  then: (score: 'r' | 'f' | 'm', expected: RfmScore[]) => expect(scoreRfm(measures).map((s) => s[score])).toEqual(expected),
});

describe('RFM scores', () => {
  describe('the score of a rank: 1 + floor(5 × L / N), L customers strictly worse of N', () => {
    it.each([
      [0, 4, 1],
      [1, 4, 2],
      [2, 4, 3],
      [3, 4, 4],
      [0, 1, 1],
      [4, 5, 5],
      [19, 100, 1],
      [20, 100, 2],
      [79, 100, 4],
      [80, 100, 5],
      [99, 100, 5],
    ])('L=%i, N=%i gives %i', (worse, population, score) => {
      expect(scoreFromRank(worse, population)).toBe(score);
    });

    it.each([
      [0, 0],
      [4, 4],
      [-1, 4],
      [1.5, 4],
      [0, 2.5],
    ])('refuses L=%p, N=%p', (worse, population) => {
      expect(errorOf(() => scoreFromRank(worse, population))).toMatchObject({ code: 'RFM.INVALID_ARGUMENT' });
    });
  });

  describe('frequency: more purchases is better', () => {
    it('gives N=4 customers, two of them tied, 1, 2, 2 and 4', () => {
      given(frequencies(1, 3, 3, 7)).then('f', [1, 2, 2, 4]);
    });

    it('gives five distinct customers 1 to 5, in any input order', () => {
      given(frequencies(30, 10, 50, 20, 40)).then('f', [3, 1, 5, 2, 4]);
    });

    it('gives everyone 1 when all tie, since nobody is strictly worse', () => {
      given(frequencies(2, 2, 2)).then('f', [1, 1, 1]);
    });

    it('counts zero purchases in the window as the worst', () => {
      given(frequencies(0, 0, 1)).then('f', [1, 1, 4]);
    });
  });

  describe('recency: more days since the last purchase is worse', () => {
    it('scores the other way round, with ties sharing a score', () => {
      given(recencies(0, 10, 10, 400)).then('r', [4, 2, 2, 1]);
    });

    it('gives the most recent of five distinct customers 5', () => {
      given(recencies(0, 1, 2, 3, 4)).then('r', [5, 4, 3, 2, 1]);
    });
  });

  describe('monetary: a larger net amount is better', () => {
    it('orders negative below zero below positive', () => {
      given(monetaries('0', '-3', '12', '-0.5')).then('m', [3, 1, 4, 2]);
    });

    it('ties equal values written with different scales: "10.5" and "10.50"', () => {
      given(monetaries('10.5', '-3', '10.50', '0')).then('m', [3, 1, 3, 2]);
    });

    it('ties every way of writing zero', () => {
      given(monetaries('0', '0.00', '-0', '000.0')).then('m', [1, 1, 1, 1]);
    });

    it('compares exactly where a float would not: "9007199254740993" > "9007199254740992"', () => {
      given(monetaries('9007199254740993', '9007199254740992')).then('m', [3, 1]);
      given(monetaries('0.30000000000000001', '0.3')).then('m', [3, 1]);
    });

    it('compares by value, not as strings: "9" < "10", "-10" < "-9"', () => {
      given(monetaries('10', '9', '-9', '-10')).then('m', [4, 3, 2, 1]);
    });
  });

  describe('FM: floor((F + M + 1) / 2)', () => {
    it.each([
      [1, 1, 1],
      [1, 2, 2],
      [2, 1, 2],
      [2, 3, 3],
      [1, 5, 3],
      [4, 5, 5],
      [5, 5, 5],
    ])('F=%i, M=%i gives %i', (f, m, fm) => {
      expect(fmScore(f as RfmScore, m as RfmScore)).toBe(fm);
    });

    it('refuses a score outside 1..5', () => {
      expect(errorOf(() => fmScore(0 as RfmScore, 3))).toMatchObject({ code: 'RFM.INVALID_ARGUMENT', message: 'F must be a score from 1 to 5, not 0' });
      expect(errorOf(() => fmScore(3, 6 as RfmScore))).toMatchObject({ code: 'RFM.INVALID_ARGUMENT', message: 'M must be a score from 1 to 5, not 6' });
    });
  });

  describe('the segment: the grid cell of row R, column FM', () => {
    it.each([
      [5, 1, 'New Customers'],
      [5, 2, 'Potential Loyalist'],
      [5, 5, 'Champions'],
      [4, 1, 'Promising'],
      [4, 3, 'Loyal Customers'],
      [3, 1, 'About to Sleep'],
      [3, 3, 'Need Attention'],
      [3, 4, 'Loyal Customers'],
      [2, 2, 'Hibernating'],
      [2, 3, 'At Risk'],
      [2, 5, "Can't Lose Them"],
      [1, 1, 'Lost'],
      [1, 4, 'At Risk'],
      [1, 5, "Can't Lose Them"],
    ])('R=%i, FM=%i is %s in the default grid', (r, fm, segment) => {
      expect(segmentOf(r as RfmScore, fm as RfmScore)).toBe(segment);
    });

    it('is read from a configured grid when one is given', () => {
      const names = (r: number) => [1, 2, 3, 4, 5].map((fm) => `R${r}FM${fm}`);
      const grid = parseRfmGrid({ 5: names(5), 4: names(4), 3: names(3), 2: names(2), 1: names(1) });
      expect(segmentOf(2, 4, grid)).toBe('R2FM4');
      expect(scoreRfm(frequencies(1, 2), grid).map((s) => s.segment)).toEqual(['R1FM1', 'R1FM2']);
    });

    it('refuses a score outside 1..5', () => {
      expect(errorOf(() => segmentOf(6 as RfmScore, 1))).toMatchObject({ code: 'RFM.INVALID_ARGUMENT', message: 'R must be a score from 1 to 5, not 6' });
      expect(errorOf(() => segmentOf(1, 0 as RfmScore))).toMatchObject({ code: 'RFM.INVALID_ARGUMENT', message: 'FM must be a score from 1 to 5, not 0' });
    });
  });

  describe('scoring a population', () => {
    it('keeps the measures and adds the scores and the segment, in the order given', () => {
      const measures: RfmMeasures[] = [
        { customerId: 'ann', recencyDays: 2, frequency: 9, monetary: '900.00' },
        { customerId: 'bob', recencyDays: 300, frequency: 1, monetary: '-5' },
        { customerId: 'cem', recencyDays: 40, frequency: 3, monetary: '120.5' },
        { customerId: 'dee', recencyDays: 1, frequency: 1, monetary: '15' },
        { customerId: 'eve', recencyDays: 150, frequency: 6, monetary: '400' },
      ];
      expect(scoreRfm(measures)).toEqual([
        { ...measures[0], r: 4, f: 5, m: 5, fm: 5, segment: 'Champions' },
        { ...measures[1], r: 1, f: 1, m: 1, fm: 1, segment: 'Lost' },
        { ...measures[2], r: 3, f: 3, m: 3, fm: 3, segment: 'Need Attention' },
        { ...measures[3], r: 5, f: 1, m: 2, fm: 2, segment: 'Potential Loyalist' },
        { ...measures[4], r: 2, f: 4, m: 4, fm: 4, segment: 'At Risk' },
      ]);
    });

    it('gives a population of one the lowest scores: nobody is worse than it', () => {
      expect(scoreRfm(frequencies(5))).toEqual([expect.objectContaining({ r: 1, f: 1, m: 1, fm: 1, segment: 'Lost' })]);
    });

    it('scores an empty population as empty', () => {
      expect(scoreRfm([])).toEqual([]);
    });

    it.each([
      ['a customer twice', [...frequencies(1), ...frequencies(2)], 'measures[1]: customer c1 appears more than once'],
      ['an empty customer id', [{ customerId: '', recencyDays: 0, frequency: 1, monetary: '0' }], 'measures[0].customerId must be a non-empty string'],
      ['negative days', recencies(-1), 'measures[0].recencyDays must be a whole number of days >= 0, not -1'],
      ['fractional days', recencies(1.5), 'measures[0].recencyDays must be a whole number of days >= 0, not 1.5'],
      ['a negative frequency', frequencies(-2), 'measures[0].frequency must be a whole number >= 0, not -2'],
      ['a float amount', [{ customerId: 'c1', recencyDays: 0, frequency: 1, monetary: 10.5 as unknown as string }], 'measures[0].monetary must be a decimal string such as "12.50" or "-3", not 10.5'],
      ['an exponent', monetaries('1e3'), 'measures[0].monetary must be a decimal string such as "12.50" or "-3", not "1e3"'],
    ])('refuses %s', (_what, measures, message) => {
      const error = errorOf(() => scoreRfm(measures));
      expect(error).toBeInstanceOf(InvalidRfmMeasuresError);
      expect(error).toBeInstanceOf(RfmError);
      expect(error).toMatchObject({ code: 'RFM.INVALID_MEASURES', message });
    });
  });
});
