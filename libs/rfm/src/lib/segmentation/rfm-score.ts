import { isDecimal } from '@cdp/money';
import { ascending, ascendingBigInt, countStrictlyWorse, decimalsAtCommonScale, descending } from './rank-strictly-worse';
import { InvalidRfmMeasuresError, RfmError } from './rfm.errors';
import type { RfmMeasures } from './rfm-measures';
import { DEFAULT_RFM_GRID, type RfmGrid, type RfmScore } from './rfm-segment-grid';

export interface RfmScored extends RfmMeasures {
  readonly r: RfmScore;
  readonly f: RfmScore;
  readonly m: RfmScore;
  readonly fm: RfmScore;
  readonly segment: string;
}

/**
 * Scores and segments the whole population, in the order given. Each score is
 * `scoreFromRank(customers strictly worse on the measure, population size)`: fewer days is better
 * for R, a larger value for F and M, and tied customers share a score.
 */
export function scoreRfm(measures: readonly RfmMeasures[], grid: RfmGrid = DEFAULT_RFM_GRID): RfmScored[] {
  checkMeasures(measures);
  const population = measures.length;
  const worseR = countStrictlyWorse(measures.map((x) => x.recencyDays), descending);
  const worseF = countStrictlyWorse(measures.map((x) => x.frequency), ascending);
  const worseM = countStrictlyWorse(decimalsAtCommonScale(measures.map((x) => x.monetary)), ascendingBigInt);
  return measures.map(({ customerId, recencyDays, frequency, monetary }, i) => {
    const r = scoreFromRank(worseR[i], population);
    const f = scoreFromRank(worseF[i], population);
    const m = scoreFromRank(worseM[i], population);
    const fm = fmScore(f, m);
    return { customerId, recencyDays, frequency, monetary, r, f, m, fm, segment: segmentOf(r, fm, grid) };
  });
}

/** `1 + floor(5 × worse / population)`, where `worse` customers of the population are strictly worse. */
export function scoreFromRank(worse: number, population: number): RfmScore {
  if (!Number.isSafeInteger(population) || population < 1) throw new RfmError('RFM.INVALID_ARGUMENT', `the population must be a positive integer, not ${population}`);
  if (!Number.isSafeInteger(worse) || worse < 0 || worse >= population) {
    throw new RfmError('RFM.INVALID_ARGUMENT', `the number of customers strictly worse must be an integer from 0 to ${population - 1}, not ${worse}`);
  }
  return (1 + Math.floor((5 * worse) / population)) as RfmScore;
}

/** The combined FM score: `floor((F + M + 1) / 2)`, the mean rounded half up. */
export function fmScore(f: RfmScore, m: RfmScore): RfmScore {
  checkScore('F', f);
  checkScore('M', m);
  return Math.floor((f + m + 1) / 2) as RfmScore;
}

export function segmentOf(r: RfmScore, fm: RfmScore, grid: RfmGrid = DEFAULT_RFM_GRID): string {
  checkScore('R', r);
  checkScore('FM', fm);
  return grid[r][fm - 1];
}

function checkScore(name: string, score: number): void {
  if (!Number.isInteger(score) || score < 1 || score > 5) throw new RfmError('RFM.INVALID_ARGUMENT', `${name} must be a score from 1 to 5, not ${score}`);
}

function checkMeasures(measures: readonly RfmMeasures[]): void {
  const seen = new Set<string>();
  measures.forEach(({ customerId, recencyDays, frequency, monetary }, i) => {
    const at = `measures[${i}]`;
    if (typeof customerId !== 'string' || customerId === '') throw new InvalidRfmMeasuresError(`${at}.customerId must be a non-empty string`);
    if (seen.has(customerId)) throw new InvalidRfmMeasuresError(`${at}: customer ${customerId} appears more than once`);
    seen.add(customerId);
    if (!isCount(recencyDays)) throw new InvalidRfmMeasuresError(`${at}.recencyDays must be a whole number of days >= 0, not ${recencyDays}`);
    if (!isCount(frequency)) throw new InvalidRfmMeasuresError(`${at}.frequency must be a whole number >= 0, not ${frequency}`);
    if (!isDecimal(monetary)) throw new InvalidRfmMeasuresError(`${at}.monetary must be a decimal string such as "12.50" or "-3", not ${JSON.stringify(monetary)}`);
  });
}

const isCount = (value: number) => Number.isSafeInteger(value) && value >= 0;
