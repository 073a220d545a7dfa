/** A task run now and then again at an interval; `stop` ends the timer and waits for the run under way. */
export interface PeriodicTask {
  stop(): Promise<void>;
}

/**
 * Runs `work` at once and then every `everyMs`, one run at a time: a turn that comes while a run is
 * under way is skipped, not queued. `work` handles its own failures (it logs them, and the next
 * turn tries again).
 */
export function periodicTask(work: () => Promise<void>, everyMs: number): PeriodicTask {
  let running: Promise<void> | undefined;
  const turn = () => {
    running ??= work().finally(() => (running = undefined));
  };
  turn();
  const timer = setInterval(turn, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
