import { periodicTask } from './periodic-task';

describe('a periodic task', () => {
  afterEach(() => jest.useRealTimers());

  it('runs at once and then at each interval, skipping a turn while a run is under way, and stops after the run in hand', async () => {
    jest.useFakeTimers();
    const finishers: (() => void)[] = [];
    const task = periodicTask(() => new Promise<void>((resolve) => finishers.push(resolve)), 1_000);
    expect(finishers).toHaveLength(1);
    // Two turns come while the first run is under way: neither starts a run.
    jest.advanceTimersByTime(2_000);
    expect(finishers).toHaveLength(1);
    finishers[0]();
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(1_000);
    expect(finishers).toHaveLength(2);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    finishers[1]();
    await stopping;
    jest.advanceTimersByTime(5_000);
    expect(finishers).toHaveLength(2);
  });
});
