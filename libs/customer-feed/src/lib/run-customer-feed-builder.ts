import { buildCustomerChanges, type CustomerFeedBuilderOptions } from './customer-feed-builder';

export interface RunCustomerFeedBuilderOptions extends CustomerFeedBuilderOptions {
  /** How long to wait when there was nothing to do, in ms; default 25. */
  readonly idleMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Called after each step that looked at customers, with how many. */
  readonly onStep?: (customers: number) => void;
}

const MAX_BACKOFF_MS = 5_000;

/** Builds the feed step after step until closed; a failed step is retried with a growing pause. */
export function runCustomerFeedBuilder(options: RunCustomerFeedBuilderOptions): { close(): Promise<void> } {
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  const loop = (async () => {
    let backoffMs = 0;
    while (!closed) {
      try {
        const looked = await buildCustomerChanges(options);
        backoffMs = 0;
        if (looked > 0) options.onStep?.(looked);
        else await pause(options.idleMs ?? 25);
      } catch (error) {
        options.onError?.(error);
        backoffMs = Math.min(Math.max(backoffMs * 2, 100), MAX_BACKOFF_MS);
        await pause(backoffMs);
      }
    }
  })();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      wake();
      await loop;
    },
  };
}
