import { buildCustomerChanges, type CustomerFeedBuilderOptions } from './customer-feed-builder';

export interface RunCustomerFeedBuilderOptions extends CustomerFeedBuilderOptions {
  /**
   * How long to wait when there was nothing to do, in ms; default 25. Each idle step doubles it,
   * up to `maxIdleMs` (default 1,000), until a step finds work or `wake` is called.
   */
  readonly idleMs?: number;
  readonly maxIdleMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Called after each step that looked at customers, with how many. */
  readonly onStep?: (customers: number) => void;
}

const MAX_BACKOFF_MS = 5_000;

export interface CustomerFeedBuilderRun {
  /** Customers were marked changed in this process: look now rather than after the idle wait. */
  wake(): void;
  close(): Promise<void>;
}

/**
 * Builds the feed step after step until closed; a failed step is retried with a growing pause.
 * An idle builder looks less and less often (an idle platform should cost next to nothing), and
 * the projections of its process wake it when they commit, so a change is built at once.
 */
export function runCustomerFeedBuilder(options: RunCustomerFeedBuilderOptions): CustomerFeedBuilderRun {
  const [firstIdleMs, maxIdleMs] = [options.idleMs ?? 25, options.maxIdleMs ?? 1_000];
  let closed = false;
  let woken = false;
  let idling = false;
  let timer: NodeJS.Timeout | undefined;
  let endPause: () => void = () => undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      endPause = resolve;
      timer = setTimeout(resolve, ms);
    });
  const loop = (async () => {
    let backoffMs = 0;
    let idleMs = firstIdleMs;
    while (!closed) {
      try {
        woken = false;
        const looked = await buildCustomerChanges(options);
        backoffMs = 0;
        if (looked > 0) options.onStep?.(looked);
        // Woken while it looked: what woke it may have committed after the look.
        if (looked > 0 || woken) {
          idleMs = firstIdleMs;
          continue;
        }
        idling = true;
        await pause(idleMs);
        idling = false;
        idleMs = woken ? firstIdleMs : Math.min(idleMs * 2, maxIdleMs);
      } catch (error) {
        options.onError?.(error);
        backoffMs = Math.min(Math.max(backoffMs * 2, 100), MAX_BACKOFF_MS);
        await pause(backoffMs);
      }
    }
  })();
  return {
    wake() {
      woken = true;
      if (!idling) return;
      clearTimeout(timer);
      endPause();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      endPause();
      await loop;
    },
  };
}
