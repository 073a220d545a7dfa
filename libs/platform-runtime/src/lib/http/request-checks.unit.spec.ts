import { HttpRequestError, requestBodyOf } from './http-request.error';
import { LimitPipe } from './limit.pipe';

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
