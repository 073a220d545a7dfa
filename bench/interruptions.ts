/**
 * What a run made that an interruption (Ctrl-C, a CI job's SIGTERM) would leave behind: scratch
 * databases, Kafka namespaces, data folders, child platforms. A run that ends, well or not, removes
 * them in its own `finally` blocks; a signal skips those, so each is also registered here, and
 * removed by the first SIGINT or SIGTERM before the process exits.
 */
const removals = new Set<() => Promise<unknown>>();
const GIVE_UP_AFTER_MS = 30_000;

/** Registers `remove` until the returned function is called (in the `finally` that removes it anyway). */
export function removeIfInterrupted(remove: () => Promise<unknown>): () => void {
  listen();
  removals.add(remove);
  return () => void removals.delete(remove);
}

let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: removing what this run made (${removals.size} scratch resources), then stopping`);
      const removed = Promise.allSettled([...removals].map((remove) => remove()));
      const givenUp = new Promise((resolve) => setTimeout(resolve, GIVE_UP_AFTER_MS).unref());
      void Promise.race([removed, givenUp]).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}
