import fc from 'fast-check';
import { instantProblem, utcInstant } from './utc-instant';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('utcInstant', () => {
  it.each([
    ['2026-11-20T10:15:00Z', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20T10:15Z', '2026-11-20T10:15:00.000Z'],
    ['2026-11-21T09:00:00+03:30', '2026-11-21T05:30:00.000Z'],
    ['2026-01-01T01:00:00-02:00', '2026-01-01T03:00:00.000Z'],
    ['2026-11-20t10:15:00.123456z', '2026-11-20T10:15:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
    ['2026-11-20T10:15:00+14:00', '2026-11-19T20:15:00.000Z'],
    ['2026-11-20T10:15:00-12:00', '2026-11-20T22:15:00.000Z'],
  ])('reads %s as %s', (text, canonical) => {
    expect(utcInstant(text)).toBe(canonical);
  });

  it.each([
    '2026-02-30T10:00:00Z',
    '2026-02-30T10:00:00.000Z',
    '2025-02-29T00:00:00Z',
    '2025-02-29T00:00:00.000Z',
    '1900-02-29T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
    '2026-00-10T00:00:00.000Z',
    '2026-11-00T00:00:00.000Z',
    '2026-11-20T24:00:00.000Z',
    '2026-13-01T00:00:00Z',
    '2026-11-20T24:00:00Z',
    '2026-11-20T23:60:00Z',
    '2026-11-20T23:59:60Z',
    '2026-11-20T10:15:00+24:00',
    '2026-11-20T10:15:00+14:01',
    '2026-11-20T10:15:00-23:59',
    '2026-11-20T10:15:00+0330',
    '2026-11-20T10:15:00+03',
    '2026-11-20T10:15:00',
    '2026-11-20 10:15:00Z',
    '2026-11-20',
    '0000-01-01T00:00:00+00:01',
    '9999-12-31T23:59:59-00:01',
    ' 2026-11-20T10:15:00Z',
    1763633700000,
    null,
  ])('refuses %p, and says why', (value) => {
    expect(utcInstant(value)).toBeUndefined();
    expect(instantProblem(value)).toMatch(/^(must be an ISO 8601 instant|has no time zone|is not a (date|time of day)|has an offset|writes its offset without a colon|is out of range)/);
  });

  it('says what a refused offset should be', () => {
    expect(instantProblem('۲۰۲۶-۱۲-۰۷T12:00:00Z')).toMatch(/^must be written with the digits 0-9, e\.g\. /);
    expect(instantProblem('2026-11-20T10:15:00+0330')).toMatch(/^writes its offset without a colon: write it as ±HH:MM \(\+03:30, not \+0330 or \+03\)/);
    expect(instantProblem('2026-11-20T10:15:00+15:00')).toMatch(/^has an offset of more than 14 hours, which no time zone has/);
  });

  it('reads every instant written with any zone offset as the instant itself', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (at, offsetMinutes) => {
          const local = new Date(at.getTime() + offsetMinutes * 60_000);
          const zone = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
          const text = `${local.toISOString().slice(0, 23)}${zone}`;
          expect(utcInstant(text)).toBe(at.toISOString());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses every day past the end of its month, in the canonical form too', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('Z', '.000Z'), (year, month, end) => {
        const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
        expect(utcInstant(`${pad(year, 4)}-${pad(month)}-${pad(daysInMonth)}T00:00:00${end}`)).toBeDefined();
        expect(utcInstant(`${pad(year, 4)}-${pad(month)}-${pad(daysInMonth + 1)}T00:00:00${end}`)).toBeUndefined();
      }),
    );
  });

  it('takes an instant in the canonical form as it is', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (at) => {
        expect(utcInstant(at.toISOString())).toBe(at.toISOString());
      }),
      { numRuns: 500 },
    );
  });
});

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
