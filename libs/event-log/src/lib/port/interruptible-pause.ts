/**
 * The waits of a subscription's loop: one at a time, cut short by `interrupt` (new events, a close).
 * Once stopped, a wait ends at once: a close that came while the loop was busy elsewhere must not
 * leave it to sleep out the next wait.
 */
export function interruptiblePause() {
  let interrupt: () => void = () => undefined;
  let stopped = false;
  return {
    wait(ms: number): Promise<void> {
      return new Promise((resolve) => {
        if (stopped) return resolve();
        const timer = setTimeout(resolve, ms);
        interrupt = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
    interrupt: () => interrupt(),
    stop() {
      stopped = true;
      interrupt();
    },
  };
}
