import { InvalidRfmGridError } from './rfm.errors';
import { DEFAULT_RFM_GRID, parseRfmGrid, RFM_SEGMENTS } from './rfm-segment-grid';

function gridErrorOf(json: unknown): InvalidRfmGridError {
  try {
    parseRfmGrid(json);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRfmGridError);
    expect(error).toMatchObject({ code: 'RFM.INVALID_GRID' });
    return error as InvalidRfmGridError;
  }
  throw new Error('expected an InvalidRfmGridError');
}

const rowOf = (name: string) => [1, 2, 3, 4, 5].map((fm) => `${name} ${fm}`);
const validJson = () => ({ '5': rowOf('R5'), '4': rowOf('R4'), '3': rowOf('R3'), '2': rowOf('R2'), '1': rowOf('R1') });

describe('the RFM segment grid', () => {
  describe('the default', () => {
    it('is the agreed grid, rows R 5..1, columns FM 1..5', () => {
      expect(DEFAULT_RFM_GRID).toEqual({
        5: ['New Customers', 'Potential Loyalist', 'Potential Loyalist', 'Champions', 'Champions'],
        4: ['Promising', 'Potential Loyalist', 'Loyal Customers', 'Champions', 'Champions'],
        3: ['About to Sleep', 'Need Attention', 'Need Attention', 'Loyal Customers', 'Loyal Customers'],
        2: ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
        1: ['Lost', 'Lost', 'At Risk', 'At Risk', "Can't Lose Them"],
      });
    });

    it('uses every listed segment, and only those', () => {
      const used = new Set(Object.values(DEFAULT_RFM_GRID).flat());
      expect([...used].sort()).toEqual([...RFM_SEGMENTS].sort());
    });

    it('cannot be changed by accident', () => {
      expect(Object.isFrozen(DEFAULT_RFM_GRID)).toBe(true);
      expect(Object.isFrozen(DEFAULT_RFM_GRID[5])).toBe(true);
    });
  });

  describe('a configured grid', () => {
    it('is read from {"5": [...], ..., "1": [...]}', () => {
      const grid = parseRfmGrid(validJson());
      expect(grid[5]).toEqual(['R5 1', 'R5 2', 'R5 3', 'R5 4', 'R5 5']);
      expect(grid[1][4]).toBe('R1 5');
    });

    it('may reuse the default names, and is a copy of the configuration', () => {
      const json: Record<string, string[]> = JSON.parse(JSON.stringify(DEFAULT_RFM_GRID));
      const grid = parseRfmGrid(json);
      json['5'][0] = 'changed afterwards';
      expect(grid).toEqual(DEFAULT_RFM_GRID);
    });

    it.each([null, 'Champions', 5, [['a', 'b', 'c', 'd', 'e']]])('is refused when it is not an object: %p', (json) => {
      expect(gridErrorOf(json).problems).toEqual(['grid must be an object with the rows "5", "4", "3", "2" and "1"']);
    });

    it('is refused when a row is missing', () => {
      const { '3': _, ...json } = validJson();
      expect(gridErrorOf(json).problems).toEqual(['grid["3"] must be a list of exactly 5 segment names, one for each FM score 1..5']);
    });

    it.each([
      ['4 names', ['a', 'b', 'c', 'd']],
      ['6 names', ['a', 'b', 'c', 'd', 'e', 'f']],
      ['a name', 'Champions'],
      ['an object', { 1: 'a', 2: 'b', 3: 'c', 4: 'd', 5: 'e' }],
    ])('is refused when a row holds %s', (_what, row) => {
      expect(gridErrorOf({ ...validJson(), '2': row }).problems).toEqual(['grid["2"] must be a list of exactly 5 segment names, one for each FM score 1..5']);
    });

    it.each([[''], ['   '], [7], [null]])('is refused when a name is %p, located by row and index', (name) => {
      const json = validJson();
      json['3'][2] = name as string;
      const error = gridErrorOf(json);
      expect(error.problems).toEqual(['grid["3"][2] must be a non-empty segment name']);
      expect(error.message).toBe('the RFM segment grid is invalid: grid["3"][2] must be a non-empty segment name');
    });

    it('is refused when it has a row other than 5..1', () => {
      expect(gridErrorOf({ ...validJson(), '6': rowOf('R6') }).problems).toEqual(['grid["6"] is not a row: the rows are "5", "4", "3", "2" and "1"']);
    });

    it('lists every problem at once', () => {
      const json = { ...validJson(), '0': rowOf('R0'), '4': ['a'], '1': ['a', 'b', '', 'd', ''] };
      expect(gridErrorOf(json).problems).toEqual([
        'grid["0"] is not a row: the rows are "5", "4", "3", "2" and "1"',
        'grid["4"] must be a list of exactly 5 segment names, one for each FM score 1..5',
        'grid["1"][2] must be a non-empty segment name',
        'grid["1"][4] must be a non-empty segment name',
      ]);
    });
  });
});
