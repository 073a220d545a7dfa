import { daysUntil, displayWidth, formatDuration, formatInstant, formatMoney, formatTable, formatTimeLeft, groupDigits, persianDate, rialsToTomans } from './format';

describe('formatting for people', () => {
  it.each([
    ['0', '0'],
    ['300000', '300,000'],
    ['1234567.50', '1,234,567.50'],
    ['-4500000', '-4,500,000'],
    ['not a number', 'not a number'],
  ])('groups the digits of %s exactly', (decimal, expected) => expect(groupDigits(decimal)).toBe(expected));

  it.each([
    ['300000', '30000'],
    ['30000', '3000'],
    ['5', '0.5'],
    ['12345.6', '1234.56'],
    ['-90', '-9'],
  ])('turns %s rials into %s tomans without floating point', (rials, tomans) => expect(rialsToTomans(rials)).toBe(tomans));

  it('shows rials with tomans beside them, other currencies as they are', () => {
    expect(formatMoney('300000', 'IRR')).toBe('300,000 IRR (30,000 toman)');
    expect(formatMoney('12.50', 'EUR')).toBe('12.50 EUR');
  });

  it('writes dates in the Solar Hijri calendar too: a birthday in Bahman, an anniversary in Mehr', () => {
    expect(persianDate('1990-02-05')).toBe('16 Bahman 1368');
    expect(persianDate('2015-10-08')).toBe('16 Mehr 1394');
    // 21:00 UTC on 20 March is already Nowruz, 1 Farvardin, in Tehran (UTC+03:30).
    expect(persianDate('2026-03-20T21:00:00.000Z')).toBe('1 Farvardin 1405');
    expect(formatInstant('2026-11-20T10:15:00.000Z')).toBe('2026-11-20 10:15 UTC (29 Aban 1405, 13:45 Tehran)');
    // Past 20:30 UTC it is the next day in Tehran: the time says so.
    expect(formatInstant('2026-11-30T21:00:00.000Z')).toBe('2026-11-30 21:00 UTC (10 Azar 1405, 00:30 Tehran)');
  });

  it('counts days to a date, negative once it has passed', () => {
    const now = new Date('2026-11-23T20:00:00Z');
    expect(daysUntil('2026-11-24', now)).toBe(1);
    expect(daysUntil('2026-11-20', now)).toBe(-3);
    // 21:00 UTC is 00:30 on the 24th in Tehran, whose dates the CLI shows: the 24th is today there.
    expect(daysUntil('2026-11-24', new Date('2026-11-23T21:00:00Z'))).toBe(0);
  });

  it('writes durations for people', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
  });

  it('writes the time left on a progress bar in whole seconds, minutes or hours', () => {
    expect([0, 45, '59.6', 119, 125, 7_260].map(formatTimeLeft)).toEqual(['0 s', '45 s', '1 min 00 s', '1 min 59 s', '2 min 05 s', '2 h 01 min']);
    expect(['NULL', 'INF', -1].map(formatTimeLeft)).toEqual(['…', '…', '…']);
  });

  it('pads table columns and right-aligns numbers', () => {
    expect(formatTable(['NAME', 'COUNT'], [['profiles', '1,200'], ['rfm', '7']]).split('\n')).toEqual([
      'NAME      COUNT',
      '--------  -----',
      'profiles  1,200',
      'rfm           7',
    ]);
  });

  it('lines columns up by what a terminal shows: a joiner, a right-to-left mark or a vowel sign takes no column', () => {
    expect(formatTable(['SEAT', 'N'], [['\u200fکنار پنجره\u200e', '1'], ['می\u200cخواهم', '2'], ['aisle', '3']]).split('\n')).toEqual([
      'SEAT        N',
      '----------  -',
      '\u200fکنار پنجره\u200e  1',
      'می\u200cخواهم     2',
      'aisle       3',
    ]);
    expect(displayWidth('مُحَمَّد')).toBe(4);
  });
});
