import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { eventually } from '../support/eventually';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

/** Each SSE subscriber holds a file descriptor: past its limit, a process would refuse its other work too, /health included. */
describe('SSE subscribers past CDP_FEED_MAX_SUBSCRIBERS (embedded)', () => {
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { CDP_FEED_MAX_SUBSCRIBERS: '2', CDP_RFM_EVERY_MINUTES: '0' });
  });
  afterAll(() => platform?.close());

  const subscribe = async () => {
    const abort = new AbortController();
    const response = await fetch(`${platform.url}/v1/stream/customers`, { signal: abort.signal });
    return { response, close: () => abort.abort() };
  };

  it('answers 503 FEED.TOO_MANY_SUBSCRIBERS with when to retry, and takes a subscriber again once one leaves', async () => {
    const first = await subscribe();
    const second = await subscribe();
    expect([first.response.status, second.response.status]).toEqual([200, 200]);
    const third = await subscribe();
    expect(third.response.status).toBe(503);
    expect(third.response.headers.get('retry-after')).toBe('30');
    expect(third.response.headers.get('connection')).toBe('close');
    expect(await third.response.json()).toMatchObject({ error: 'FEED.TOO_MANY_SUBSCRIBERS', message: expect.stringContaining('already serves 2 subscribers (CDP_FEED_MAX_SUBSCRIBERS)') });
    expect((await platform.get('/health')).status).toBe(200);

    first.close();
    const again = await eventually(async () => {
      const attempt = await subscribe();
      if (attempt.response.status === 200) return attempt;
      attempt.close();
      return undefined;
    }, 'a subscriber taken once one left');
    again.close();
    second.close();
  });
});
