import type { RecordedEvent } from '@cdp/event-log';
import { pollingSubscription, type PollingSource } from './polling-subscription';

/** A source whose reads answer, in turn, with these outcomes: an error, or events (none once they run out). */
function sourceOf(outcomes: (Error | RecordedEvent[])[]): PollingSource & { reads: number } {
  const source = {
    reads: 0,
    partition: 'all',
    pollIntervalMs: 5,
    async readNext() {
      const outcome = outcomes[source.reads++] ?? [];
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    advance: () => undefined,
    onWake: () => () => undefined,
  };
  return source;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('the polling subscription of a Postgres log', () => {
  it('says it reads again once a read answers after failures, though no batch follows, and only then', async () => {
    const calls: string[] = [];
    const source = sourceOf([new Error('connection refused'), new Error('connection refused'), [], []]);
    const subscription = pollingSubscription(
      { subscriberId: 'test', from: {}, onBatch: async () => undefined, onError: (error) => calls.push(`error: ${(error as Error).message}`), onResumed: () => calls.push('resumed') },
      source,
    );
    await until(() => source.reads >= 5);
    await subscription.close();
    expect(calls).toEqual(['error: connection refused', 'error: connection refused', 'resumed']);
  });

  it('says nothing of resuming while nothing failed', async () => {
    const calls: string[] = [];
    const source = sourceOf([[], []]);
    const subscription = pollingSubscription({ subscriberId: 'test', from: {}, onBatch: async () => undefined, onResumed: () => calls.push('resumed') }, source);
    await until(() => source.reads >= 3);
    await subscription.close();
    expect(calls).toEqual([]);
  });
});
