import { excludeSystemEvents, START, type AllStreamResolvedEvent, type AllStreamSubscription, type EventStoreDBClient } from '@eventstore/db-client';
import { interruptiblePause, type RecordedEvent, type SubscribeOptions, type Subscription } from '@cdp/event-log';
import { isAfter, isPlatformEvent, parseOffset, PARTITION, toRecordedEvent } from './eventstoredb-event';

const MAX_BACKOFF_MS = 5_000;

/**
 * Follows $all from the checkpoint with a catch-up subscription, leaving out system events. When
 * `onBatch` fails (or the connection drops), the subscription is dropped and, after a growing
 * pause, opened again from the last checkpoint, so the failed batch comes again.
 */
export function eventStoreDbSubscription(client: EventStoreDBClient, options: SubscribeOptions): Subscription {
  const maxBatchSize = options.maxBatchSize ?? 500;
  let checkpoint = options.from[PARTITION];
  let closed = false;
  let current: AllStreamSubscription | undefined;
  const pauses = interruptiblePause();

  const loop = (async () => {
    let backoffMs = 0;
    let resumed = true;
    while (!closed) {
      let subscription: AllStreamSubscription | undefined;
      try {
        // The client's stream holds 16 events a side by default and gRPC stops reading there: batches never grew past about 31.
        subscription = current = client.subscribeToAll(
          { fromPosition: checkpoint === undefined ? START : parseOffset(checkpoint), filter: excludeSystemEvents() },
          { highWaterMark: maxBatchSize },
        );
        for await (const resolved of batches(subscription, maxBatchSize)) {
          if (closed) break;
          const events = resolved.flatMap(userEvent).filter((e) => checkpoint === undefined || isAfter(e.offset, checkpoint));
          if (events.length === 0) continue;
          const last = events[events.length - 1].offset;
          await options.onBatch({ partition: PARTITION, events, checkpoint: { [PARTITION]: last }, resumed });
          checkpoint = last;
          resumed = false;
          backoffMs = 0;
          // A batch short of full means the subscriber has caught up: let the next one grow.
          if (options.lingerMs && resolved.length < maxBatchSize) await pauses.wait(options.lingerMs);
        }
        if (!closed) throw new Error('EventStoreDB ended the subscription');
      } catch (error) {
        if (closed) break;
        resumed = true;
        options.onError?.(error);
        backoffMs = Math.min(Math.max(backoffMs * 2, 100), MAX_BACKOFF_MS);
        await subscription?.unsubscribe();
        await pauses.wait(backoffMs);
      }
    }
  })();

  return {
    async close() {
      closed = true;
      pauses.stop();
      await current?.unsubscribe();
      await loop;
    },
  };
}

function userEvent(resolved: AllStreamResolvedEvent): RecordedEvent[] {
  return isPlatformEvent(resolved.event) ? [toRecordedEvent(resolved.event)] : [];
}

/** Groups what the subscription has already received, up to `max`, without waiting for more. */
async function* batches<T>(subscription: AsyncIterable<T> & { readonly readableLength: number }, max: number): AsyncGenerator<T[]> {
  const iterator = subscription[Symbol.asyncIterator]();
  for (;;) {
    const first = await iterator.next();
    if (first.done) return;
    const batch = [first.value];
    while (batch.length < max && subscription.readableLength > 0) {
      const next = await iterator.next();
      if (next.done) break;
      batch.push(next.value);
    }
    yield batch;
  }
}
