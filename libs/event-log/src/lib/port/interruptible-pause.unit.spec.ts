import { interruptiblePause } from './interruptible-pause';

describe('interruptiblePause', () => {
  it('ends a wait when interrupted, and every wait at once after it is stopped', async () => {
    const pause = interruptiblePause();
    const started = Date.now();
    const waiting = pause.wait(10_000);
    pause.interrupt();
    await waiting;
    pause.stop();
    await pause.wait(10_000);

    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('lets a wait run its time when nothing interrupts it', async () => {
    const pause = interruptiblePause();
    let ended = false;
    void pause.wait(50).then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ended).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(ended).toBe(true);
  });
});
