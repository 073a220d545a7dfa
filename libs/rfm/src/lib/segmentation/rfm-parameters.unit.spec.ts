import { InvalidRfmParametersError } from './rfm.errors';
import { parseRfmParameters, windowStart } from './rfm-parameters';
import { errorOf } from '../testing/error-of';

const NOW = '2026-11-20T10:00:00.000Z';

describe('RFM parameters', () => {
  describe('defaults', () => {
    it('uses now when asOf is missing, and a window of 365 days', () => {
      expect(parseRfmParameters({}, NOW)).toEqual({ asOf: NOW, windowDays: 365 });
      expect(parseRfmParameters({ asOf: null }, NOW)).toEqual({ asOf: NOW, windowDays: 365 });
    });

    it('normalises now as it normalises asOf', () => {
      expect(parseRfmParameters({}, '2026-11-20T13:30:00+03:30').asOf).toBe(NOW);
    });
  });

  describe('asOf', () => {
    it.each([
      ['2026-11-20T10:00:00.000Z', NOW],
      ['2026-11-20T10:00:00Z', NOW],
      ['2026-11-20T10:00Z', NOW],
      ['2026-11-20T13:30:00+03:30', NOW],
      ['2026-11-20T05:00:00-05:00', NOW],
      ['2026-11-20t10:00:00z', NOW],
      ['2026-11-20T09:59:00.123456Z', '2026-11-20T09:59:00.123Z'],
      ['2026-11-20T09:59:00.5Z', '2026-11-20T09:59:00.500Z'],
      ['2026-01-01T02:00:00+03:00', '2025-12-31T23:00:00.000Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ])('accepts the zoned instant %s as %s', (asOf, canonical) => {
      expect(parseRfmParameters({ asOf }, NOW).asOf).toBe(canonical);
    });

    it.each([
      ['a date without a time', '2026-11-20'],
      ['a time without a zone, which would depend on the host', '2026-11-20T10:00:00'],
      ['a day that does not exist', '2026-02-30T00:00:00Z'],
      ['a day of a non-leap year', '2025-02-29T00:00:00Z'],
      ['hour 24', '2026-11-20T24:00:00Z'],
      ['a leap second', '2026-12-31T23:59:60Z'],
      ['an offset beyond 23:59', '2026-11-20T10:00:00+24:00'],
      ['an offset without a colon', '2026-11-20T10:00:00+0330'],
      ['a year that leaves four digits in UTC', '0000-01-01T00:00:00+01:00'],
      ['words', 'yesterday'],
      ['the empty string', ''],
      ['a number', 1_763_632_800_000],
      ['a Date', new Date(NOW)],
    ])('refuses %s', (_what, asOf) => {
      const error = errorOf(() => parseRfmParameters({ asOf }, NOW));
      expect(error).toBeInstanceOf(InvalidRfmParametersError);
      expect(error).toMatchObject({ code: 'RFM.INVALID_PARAMETERS', field: 'asOf' });
      expect((error as Error).message).toMatch(/^asOf (must be an ISO 8601 instant with a time zone, e.g. "2026-11-20T10:15:00Z"|is out of range|has no time zone|is not a (date|time of day)|has an offset that is not one|has an offset of more than 14 hours|writes its offset without a colon)/);
    });

    it('says what is wrong with an instant that does not exist', () => {
      expect(errorOf(() => parseRfmParameters({ asOf: '2026-02-30T00:00:00Z' }, NOW))).toMatchObject({ message: 'asOf is not a date: 2026-02 has no day 30; got "2026-02-30T00:00:00Z"' });
    });

    it('refuses a time before 1970 and one more than a minute after now, naming the bound', () => {
      expect(errorOf(() => parseRfmParameters({ asOf: '1969-12-31T23:59:59Z' }, NOW))).toMatchObject({
        field: 'asOf',
        message: 'asOf must be at or after 1970-01-01T00:00:00.000Z, before which no touchpoint is kept; got "1969-12-31T23:59:59Z"',
      });
      expect(errorOf(() => parseRfmParameters({ asOf: '2026-11-20T10:01:00.001Z' }, NOW))).toMatchObject({
        field: 'asOf',
        message: expect.stringMatching(/^asOf must not be more than a minute after now \(2026-11-20T10:00:00.000Z\)/),
      });
      // A caller's clock a little ahead: the run is as of now, so that a run as of now in that minute is not a what-if.
      expect(parseRfmParameters({ asOf: '2026-11-20T10:01:00Z' }, NOW).asOf).toBe('2026-11-20T10:00:00.000Z');
      expect(parseRfmParameters({ asOf: '1970-01-01T00:00:00Z' }, NOW).asOf).toBe('1970-01-01T00:00:00.000Z');
    });

    it('names the value it refused', () => {
      expect(errorOf(() => parseRfmParameters({ asOf: '2026-11-20' }, NOW))).toMatchObject({ message: expect.stringMatching(/; got "2026-11-20"$/) });
    });

    it('blames now, not asOf, when the caller supplied a bad clock reading', () => {
      expect(errorOf(() => parseRfmParameters({}, 'not a time'))).toMatchObject({ code: 'RFM.INVALID_PARAMETERS', field: 'now' });
    });
  });

  describe('windowDays', () => {
    it.each([
      [1, 1],
      [30, 30],
      [36_500, 36_500],
      ['30', 30],
      ['all', 'all'],
    ])('accepts %p as %p', (windowDays, expected) => {
      expect(parseRfmParameters({ windowDays }, NOW).windowDays).toBe(expected);
    });

    it.each([0, -1, 36_501, 1.5, Number.NaN, Infinity, '', '1.5', '-1', ' 30', 'ALL', 'All', true, [30], null])('refuses %p', (windowDays) => {
      const error = errorOf(() => parseRfmParameters({ windowDays }, NOW));
      expect(error).toBeInstanceOf(InvalidRfmParametersError);
      expect(error).toMatchObject({ code: 'RFM.INVALID_PARAMETERS', field: 'windowDays' });
      expect((error as Error).message).toMatch(/^windowDays must be a whole number of days from 1 to 36500, or "all"; got /);
    });
  });

  describe('the window start', () => {
    it('is windowDays 24-hour periods before asOf', () => {
      expect(windowStart(NOW, 1)).toBe('2026-11-19T10:00:00.000Z');
      expect(windowStart(NOW, 365)).toBe('2025-11-20T10:00:00.000Z');
    });

    it('counts 29 February as a day', () => {
      expect(windowStart('2024-03-01T00:00:00.000Z', 2)).toBe('2024-02-28T00:00:00.000Z');
    });

    it('accepts asOf in any zone', () => {
      expect(windowStart('2026-11-20T13:30:00+03:30', 1)).toBe('2026-11-19T10:00:00.000Z');
    });

    it('is null for the whole history', () => {
      expect(windowStart(NOW, 'all')).toBeNull();
    });

    it('refuses what parseRfmParameters refuses', () => {
      expect(errorOf(() => windowStart('2026-11-20', 1))).toMatchObject({ code: 'RFM.INVALID_PARAMETERS', field: 'asOf' });
      expect(errorOf(() => windowStart(NOW, 0))).toMatchObject({ code: 'RFM.INVALID_PARAMETERS', field: 'windowDays' });
    });
  });
});
