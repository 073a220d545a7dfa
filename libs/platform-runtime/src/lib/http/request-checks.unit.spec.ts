import fc from 'fast-check';
import { HttpRequestError, requestBodyOf } from './http-request.error';
import { LimitPipe } from './limit.pipe';
import { nextPageCursor, PageCursorPipe } from './page-cursor';

const errorOf = (attempt: () => unknown): unknown => {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

describe('requestBodyOf', () => {
  it('takes an object of the fields named, and no body as an empty one', () => {
    expect(requestBodyOf({ asOf: '2026-11-20T00:00:00Z' }, ['asOf', 'windowDays'])).toEqual({ asOf: '2026-11-20T00:00:00Z' });
    expect(requestBodyOf(undefined, ['asOf'])).toEqual({});
  });

  it('locates every field the endpoint does not take', () => {
    const error = errorOf(() => requestBodyOf({ asOf: 'x', currency: 'usd', foo: 1 }, ['asOf', 'windowDays']));
    expect(error).toBeInstanceOf(HttpRequestError);
    expect(error).toMatchObject({
      code: 'HTTP.INVALID_REQUEST',
      details: [
        { path: 'currency', message: 'is not a field of this request; its fields are asOf, windowDays' },
        { path: 'foo', message: 'is not a field of this request; its fields are asOf, windowDays' },
      ],
    });
  });

  it.each([[[1]], ['text'], [42]])('refuses the body %p, which is not an object', (body) => {
    expect(errorOf(() => requestBodyOf(body, ['points']))).toMatchObject({ code: 'HTTP.INVALID_REQUEST', details: [{ path: '(root)' }] });
  });
});

describe('LimitPipe', () => {
  it('gives the default when absent and the number when within range', () => {
    expect(new LimitPipe(50).transform(undefined)).toBe(50);
    expect(new LimitPipe(50).transform('1')).toBe(1);
    expect(new LimitPipe(50).transform('1000')).toBe(1000);
  });

  it.each(['0', '-1', '1001', '99999999999', 'abc', '1e2', '2.5', ' 5', ''])('refuses %p instead of clamping it', (value) => {
    expect(errorOf(() => new LimitPipe(50).transform(value))).toMatchObject({
      code: 'HTTP.INVALID_REQUEST',
      message: `limit must be a whole number from 1 to 1,000; got ${JSON.stringify(value)}`,
      details: [{ path: 'limit', message: 'must be a whole number from 1 to 1,000' }],
    });
  });
});

describe('PageCursorPipe', () => {
  const pipe = new PageCursorPipe(['string', 'string', 'int32']);

  it('reads back the position a next cursor stands for, and nothing before the first page', () => {
    const position = ['2026-11-20T08:00:00.000Z', 'loyalty-cus_1', 7];
    expect(pipe.transform(nextPageCursor(position))).toEqual(position);
    expect(pipe.transform(undefined)).toBeUndefined();
    expect(nextPageCursor(undefined)).toBeNull();
  });

  it('gives cursors of URL-safe characters only, whatever text the position holds', () => {
    const text = fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(text, text, fc.integer(), (a, b, n) => {
        const cursor = nextPageCursor([a, b, n])!;
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(pipe.transform(cursor)).toEqual([a, b, n]);
      }),
    );
  });

  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['', 'empty'],
    ['not a cursor!', 'not base64url'],
    [Buffer.from('{').toString('base64url'), 'not JSON'],
    [cursorOf({ at: 1 }), 'not a list'],
    [cursorOf(['2026-11-20T08:00:00.000Z', 'loyalty-cus_1']), 'too short'],
    [cursorOf(['2026-11-20T08:00:00.000Z', 'loyalty-cus_1', '7']), 'a number as text'],
    [cursorOf(['a', 'b', 1, 2]), 'too long'],
    [cursorOf(['a\u0000', 'b', 1]), 'a NUL, which no text column holds'],
    [cursorOf(['\ud800', 'b', 1]), 'a lone surrogate'],
    [Buffer.from('["a","b",1e400]').toString('base64url'), 'an infinite number'],
    [cursorOf(['a', 'b', 1.5]), 'a fraction'],
    [cursorOf(['a', 'b', 3_000_000_000]), 'an integer beyond the column'],
  ])('refuses %p (%s) with a 400 located at before', (value) => {
    expect(errorOf(() => pipe.transform(value))).toMatchObject({
      code: 'HTTP.INVALID_REQUEST',
      message: `before must be the "next" of an earlier page of this list, as given; got ${JSON.stringify(value)}`,
      details: [{ path: 'before', message: 'must be the "next" of an earlier page of this list, as given' }],
    });
  });
});
