import { CdpApiError } from './cdp-api-error';

function answer(headers: Record<string, string>): Response {
  return Response.json({ error: 'FEED.TOO_MANY_SUBSCRIBERS', message: 'full' }, { status: 503, headers });
}

describe('CdpApiError.from', () => {
  it('reads Retry-After given in seconds', async () => {
    const error = await CdpApiError.from(answer({ 'retry-after': '30' }), 'GET /v1/stream/customers');
    expect(error).toMatchObject({ status: 503, code: 'FEED.TOO_MANY_SUBSCRIBERS', retryAfterMs: 30_000 });
  });

  it('reads Retry-After given as an HTTP date, as the time left until it', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    const error = await CdpApiError.from(answer({ 'retry-after': at }), 'GET /v1/stream/customers');
    // An HTTP date has whole seconds: up to a second less than asked, and the test's own time.
    expect(error.retryAfterMs).toBeGreaterThan(115_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('leaves it undefined when the answer has none, or one that cannot be read', async () => {
    expect((await CdpApiError.from(answer({}), 'GET /x')).retryAfterMs).toBeUndefined();
    expect((await CdpApiError.from(answer({ 'retry-after': 'soon' }), 'GET /x')).retryAfterMs).toBeUndefined();
  });

  it('takes a date already past as no wait', async () => {
    const error = await CdpApiError.from(answer({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), 'GET /x');
    expect(error.retryAfterMs).toBe(0);
  });
});
