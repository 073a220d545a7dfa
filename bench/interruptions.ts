/**
 * What a run made that an interruption (Ctrl-C, a CI job's SIGTERM) would leave behind: scratch
 * databases, Kafka namespaces, data folders, child platforms. A run that ends, well or not, removes
 * them in its own `finally` blocks; a signal skips those, so each is also registered here, and
 * removed at the first SIGINT or SIGTERM before the process exits.
 */
const removals = new Set<() => Promise<unknown>>();
const GIVE_UP_AFTER_MS = 30_000;
let interrupted: Promise<never> | undefined;

/** Registers `remove` until the returned function is called (once the run's own `finally` has removed it). */
export function removeIfInterrupted(remove: () => Promise<unknown>): () => void {
  listen();
  removals.add(remove);
  return () => void removals.delete(remove);
}

/** Once a signal came: its removals, then the exit, which a benchmark ending meanwhile waits for. */
export function interruption(): Promise<never> | undefined {
  return interrupted;
}

let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  const stop = (signal: NodeJS.Signals) => {
    if (interrupted !== undefined) return console.error(`${signal}: still removing what this run made`);
    console.error(`\n${signal}: removing what this run made (${removals.size} scratch resources), then stopping`);
    const removed = Promise.allSettled([...removals].map((remove) => remove()));
    const givenUp = new Promise((resolve) => setTimeout(resolve, GIVE_UP_AFTER_MS).unref());
    interrupted = Promise.race([removed, givenUp]).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
