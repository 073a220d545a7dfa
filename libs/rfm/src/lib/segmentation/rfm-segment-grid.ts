import { InvalidRfmGridError } from './rfm.errors';

export const RFM_SCORES = [1, 2, 3, 4, 5] as const;
export type RfmScore = (typeof RFM_SCORES)[number];

/** The segment names of one R row, for FM 1..5. */
export type RfmGridRow = readonly [string, string, string, string, string];

/** The segment of each (R, FM): rows keyed by R, each row indexed by FM − 1. */
export type RfmGrid = { readonly [R in RfmScore]: RfmGridRow };

/** The segments of the default grid, best first. A configured grid may name others. */
export const RFM_SEGMENTS = [
  'Champions',
  'Loyal Customers',
  'Potential Loyalist',
  'New Customers',
  'Promising',
  'Need Attention',
  'About to Sleep',
  "Can't Lose Them",
  'At Risk',
  'Hibernating',
  'Lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

const row = (...names: [RfmSegment, RfmSegment, RfmSegment, RfmSegment, RfmSegment]): RfmGridRow => Object.freeze(names);

export const DEFAULT_RFM_GRID: RfmGrid = Object.freeze({
  5: row('New Customers', 'Potential Loyalist', 'Potential Loyalist', 'Champions', 'Champions'),
  4: row('Promising', 'Potential Loyalist', 'Loyal Customers', 'Champions', 'Champions'),
  3: row('About to Sleep', 'Need Attention', 'Need Attention', 'Loyal Customers', 'Loyal Customers'),
  2: row('Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"),
  1: row('Lost', 'Lost', 'At Risk', 'At Risk', "Can't Lose Them"),
});

const ROW_KEYS = ['5', '4', '3', '2', '1'] as const;

/**
 * A configured replacement grid, from JSON: `{"5": [5 names], "4": [...], ..., "1": [...]}`, the
 * names of each row for FM 1..5. Throws `InvalidRfmGridError` listing every problem, located.
 */
export function parseRfmGrid(json: unknown): RfmGrid {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidRfmGridError(['grid must be an object with the rows "5", "4", "3", "2" and "1"']);
  }
  const source = json as Record<string, unknown>;
  const problems = Object.keys(source)
    .filter((key) => !(ROW_KEYS as readonly string[]).includes(key))
    .map((key) => `grid[${JSON.stringify(key)}] is not a row: the rows are "5", "4", "3", "2" and "1"`);
  for (const key of ROW_KEYS) problems.push(...rowProblems(key, source[key]));
  if (problems.length > 0) throw new InvalidRfmGridError(problems);
  const rowOf = (key: (typeof ROW_KEYS)[number]) => Object.freeze([...(source[key] as string[])]) as unknown as RfmGridRow;
  return Object.freeze({ 5: rowOf('5'), 4: rowOf('4'), 3: rowOf('3'), 2: rowOf('2'), 1: rowOf('1') });
}

function rowProblems(key: string, names: unknown): string[] {
  const at = `grid[${JSON.stringify(key)}]`;
  if (!Array.isArray(names) || names.length !== 5) return [`${at} must be a list of exactly 5 segment names, one for each FM score 1..5`];
  return Array.from(names).flatMap((name, i) => (typeof name === 'string' && name.trim() !== '' ? [] : [`${at}[${i}] must be a non-empty segment name`]));
}
