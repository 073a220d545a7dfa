import { PlatformClient } from '../platform-client/platform-client';
import { fakeFetch, type FakeAnswer } from '../testing/fake-platform';
import { waitForProjections } from './wait-for-projections';

function clock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

const status = (...lags: (number | null)[]): FakeAnswer => ({
  status: 200,
  body: { projections: lags.map((lag, i) => ({ name: `p${i}`, checkpoint: null, lag, processed: 0, deadLetters: 0, state: 'running' })) },
});

function platform(answers: FakeAnswer[]) {
  const fetch = fakeFetch(() => (answers.length > 1 ? answers.shift() : answers[0]));
  return { client: new PlatformClient('http://p', fetch), fetch };
}

describe('waitForProjections', () => {
  it('follows the slowest projection down to zero, its progress counting the events done of those to do', async () => {
    const { client, fetch } = platform([status(40, 25), status(30, 10), status(5, 0), status(0, 0)]);
    const progress: [number, number][] = [];
    const result = await waitForProjections(client, { timeoutMs: 60_000, onProgress: (done, total) => progress.push([done, total]), ...clock() });
    expect(result).toEqual({ state: 'caught-up' });
    expect(progress).toEqual([[0, 40], [10, 40], [35, 40], [40, 40]]);
    expect(fetch.calls.every((call) => call.path === '/v1/admin/projections')).toBe(true);
  });

  it('never goes back when another projection becomes the slowest', async () => {
    const progress: [number, number][] = [];
    await waitForProjections(platform([status(40, 25), status(10, 35), status(10, 12), status(20, 5), status(0, 0)]).client, {
      timeoutMs: 60_000,
      onProgress: (done, total) => progress.push([done, total]),
      ...clock(),
    });
    expect(progress).toEqual([[0, 40], [5, 40], [28, 40], [28, 40], [40, 40]]);
  });

  it('grows the total when the log grows faster than the projections read it', async () => {
    const progress: [number, number][] = [];
    await waitForProjections(platform([status(10), status(30), status(0)]).client, { timeoutMs: 60_000, onProgress: (done, total) => progress.push([done, total]), ...clock() });
    expect(progress).toEqual([[0, 10], [0, 30], [30, 30]]);
  });

  it('says which projection is behind, and by how much, when the wait ends first', async () => {
    const result = await waitForProjections(platform([status(3, 70)]).client, { timeoutMs: 5_000, ...clock() });
    expect(result).toEqual({ state: 'behind', events: 70, projection: 'p1' });
  });

  it('has nothing to wait for when no projection can tell its lag, and ignores those that cannot', async () => {
    expect(await waitForProjections(platform([status(null, null)]).client, { timeoutMs: 5_000, ...clock() })).toEqual({ state: 'unknown' });
    expect(await waitForProjections(platform([status(null, 4), status(null, 0)]).client, { timeoutMs: 5_000, ...clock() })).toEqual({ state: 'caught-up' });
  });

  it('asks again when a busy platform does not answer, and fails on any other answer', async () => {
    const busy: FakeAnswer = { status: 503, body: { message: 'busy' } };
    expect(await waitForProjections(platform([status(8), busy, busy, status(0)]).client, { timeoutMs: 60_000, ...clock() })).toEqual({ state: 'caught-up' });
    expect(await waitForProjections(platform([status(8), busy]).client, { timeoutMs: 5_000, ...clock() })).toEqual({ state: 'behind', events: 8, projection: 'p0' });
    await expect(waitForProjections(platform([busy]).client, { timeoutMs: 5_000, ...clock() })).rejects.toThrow('answered 503: busy');
    await expect(waitForProjections(platform([{ status: 500, body: { message: 'broken' } }]).client, { timeoutMs: 5_000, ...clock() })).rejects.toThrow('answered 500: broken');
  });
});
