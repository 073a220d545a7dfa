import { PlatformClient } from '../platform-client/platform-client';
import { fakeFetch } from '../testing/fake-platform';
import { waitForProfile } from './wait-for-profile';

function clock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe('waitForProfile', () => {
  it('polls through 404 and partial profiles until every touchpoint of the customer is applied', async () => {
    const answers = [{ status: 404 }, { status: 200, body: { customerId: 'c', touchpoints: 3 } }, { status: 200, body: { customerId: 'c', touchpoints: 7 } }];
    const fetch = fakeFetch(() => answers.shift());
    const result = await waitForProfile(new PlatformClient('http://p', fetch), { type: 'email', value: 'a@b.co' }, 7, { timeoutMs: 10_000, ...clock() });
    expect(result).toEqual({ state: 'complete', profile: { customerId: 'c', touchpoints: 7 } });
    expect(fetch.calls[0].path).toBe('/v1/customers?identifier=email%3Aa%40b.co');
  });

  it('gives up when the wait ends: missing if never found, partial if not complete', async () => {
    const missing = await waitForProfile(new PlatformClient('http://p', fakeFetch(() => ({ status: 404 }))), { type: 'email', value: 'a@b.co' }, 7, { timeoutMs: 3000, ...clock() });
    expect(missing).toEqual({ state: 'missing' });
    const partial = await waitForProfile(
      new PlatformClient('http://p', fakeFetch(() => ({ status: 200, body: { customerId: 'c', touchpoints: 2 } }))),
      { type: 'email', value: 'a@b.co' },
      7,
      { timeoutMs: 3000, ...clock() },
    );
    expect(partial).toMatchObject({ state: 'partial', applied: 2 });
  });

  it('follows a profile merged into another', async () => {
    const fetch = fakeFetch(({ path }) =>
      path.startsWith('/v1/customers?') ? { status: 200, body: { customerId: 'old', mergedInto: 'new', touchpoints: 0 } } : { status: 200, body: { customerId: 'new', touchpoints: 5 } },
    );
    const result = await waitForProfile(new PlatformClient('http://p', fetch), { type: 'email', value: 'a@b.co' }, 5, { timeoutMs: 1000, ...clock() });
    expect(result).toMatchObject({ state: 'complete', profile: { customerId: 'new' } });
    expect(fetch.calls[1].path).toBe('/v1/customers/new');
  });
});
