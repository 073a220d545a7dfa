import { InvalidArgumentError } from 'commander';
import { instant, resolvePlatformUrl, wholeNumber } from './options';

describe('command-line values', () => {
  it('reads whole numbers within bounds, with separators', () => {
    expect(wholeNumber(1, 1000)('500')).toBe(500);
    expect(wholeNumber(1)('10_000')).toBe(10_000);
    expect(wholeNumber(1)('10,000')).toBe(10_000);
    for (const bad of ['0', '1001', '-5', '2.5', 'abc', '']) expect(() => wholeNumber(1, 1000)(bad)).toThrow(InvalidArgumentError);
  });

  it('reads instants only with a zone', () => {
    expect(instant('2026-11-20T00:00:00Z').toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(instant('2026-11-20T03:30:00+03:30').toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(() => instant('2026-11-20')).toThrow(InvalidArgumentError);
    expect(() => instant('2026-02-30T00:00:00Z')).toThrow(new InvalidArgumentError('is not a date: 2026-02 has no day 30.'));
    expect(() => instant('1969-12-31T23:59:59Z')).toThrow(new InvalidArgumentError('must be at or after 1970-01-01T00:00:00Z, before which no touchpoint is kept.'));
  });

  it('finds the platform at --url, else CDP_URL, else localhost on $PORT, else port 3000', () => {
    expect(resolvePlatformUrl('http://cdp.internal:8080/', { CDP_URL: 'http://x:1', PORT: '9' })).toBe('http://cdp.internal:8080');
    expect(resolvePlatformUrl(undefined, { CDP_URL: 'https://cdp.example.com', PORT: '9' })).toBe('https://cdp.example.com');
    expect(resolvePlatformUrl(undefined, { PORT: '3555' })).toBe('http://localhost:3555');
    expect(resolvePlatformUrl(undefined, {})).toBe('http://localhost:3000');
    expect(() => resolvePlatformUrl(undefined, { CDP_URL: 'localhost:3000' })).toThrow(/CDP_URL=localhost:3000 must be an http\(s\) URL/);
  });
});
