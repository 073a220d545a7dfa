import { interruptiblePause, type RecordedEvent, type SubscribeOptions, type Subscription } from '@cdp/event-log';

export interface PollingSource {
  readonly partition: string;
  /** Reads up to `limit` events after the cursor; the cursor moves only through `advance`. */
  readNext(limit: number): Promise<RecordedEvent[]>;
  advance(last: RecordedEvent): void;
  readonly pollIntervalMs: number;
  /** Registers a callback that cuts an idle wait short (new events were appended). */
  onWake(wake: () => void): () => void;
}

const MAX_BACKOFF_MS = 5_000;

/** Follows a source by asking it for more, batch after batch, until closed. */
export function pollingSubscription(options: SubscribeOptions, source: PollingSource): Subscription {
  const maxBatchSize = options.maxBatchSize ?? 500;
  let closed = false;
  const idle = interruptiblePause();
  const lingering = interruptiblePause();
  // A wake that comes while a read is under way must cut the next idle wait short, not be lost.
  let woken = false;
  const stopWaking = source.onWake(() => {
    woken = true;
    idle.interrupt();
  });

  const loop = (async () => {
    let backoffMs = 0;
    let resumed = true;
    let failing = false;
    while (!closed) {
      try {
        woken = false;
        const events = await source.readNext(maxBatchSize);
        if (events.length === 0) {
          // The log reads again and holds nothing to retry: what was reported failing is over, though no batch follows.
          if (failing) options.onResumed?.();
          failing = false;
          backoffMs = 0;
          if (!woken) await idle.wait(source.pollIntervalMs);
          continue;
        }
        const last = events[events.length - 1];
        await options.onBatch({ partition: source.partition, events, checkpoint: { [source.partition]: last.offset }, resumed });
        source.advance(last);
        resumed = false;
        failing = false;
        backoffMs = 0;
        // A batch short of full means the subscriber has caught up: let the next one grow.
        if (options.lingerMs && events.length < maxBatchSize) await lingering.wait(options.lingerMs);
      } catch (error) {
        resumed = true;
        failing = true;
        options.onError?.(error);
        backoffMs = Math.min(Math.max(backoffMs * 2, 100), MAX_BACKOFF_MS);
        await idle.wait(backoffMs);
      }
    }
  })();

  return {
    async close() {
      closed = true;
      stopWaking();
      idle.stop();
      lingering.stop();
      await loop;
    },
  };
}
