import { partitionRetry } from './partition-retry';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Checkpoint, RecordedEvent, SubscribeOptions, Subscription } from '@cdp/event-log';
import { partitionKey } from './kafka-message';
import type { ConsumerTiming } from './consumer-timing';

const MAX_WAIT_MS = 5_000;
/**
 * kafkajs sends a heartbeat at most once per its heartbeatInterval, whatever the calls; a failed one
 * (a rebalance under way) is seen again by the heartbeat after the batch, which kafkajs handles.
 */
const HEARTBEAT_DURING_BATCH_MS = 1_000;
/** With `concurrentPartitions`, how many partitions' batches of a fetch are handed over at once. */
const CONCURRENT_PARTITIONS = 64;
/** With `lingerMs`, the broker answers a fetch early once it holds this much for it. */
const LINGER_MIN_BYTES = 1024 * 1024;

/**
 * Follows topics as the consumer group `subscriberId`. The caller's checkpoint is the truth: on
 * every assignment each partition is moved to just after the offset the caller's stored
 * checkpoint gives (`checkpointOf`, asked again at each assignment, since another member may have
 * moved it), else the newest this subscription knows was processed (from `from`, then its own
 * batches), or to its beginning. Offsets are also committed to Kafka after each batch, which is
 * what lag monitoring reads.
 *
 * When `onBatch` fails, its partition is paused for a growing while and then read again from the
 * batch's first event; other partitions go on.
 */
export async function kafkaSubscription(
  kafka: Kafka,
  timing: ConsumerTiming,
  topics: readonly (string | RegExp)[],
  toEvent: (topic: string, partition: number, message: KafkaMessage) => RecordedEvent,
  options: SubscribeOptions,
): Promise<Subscription> {
  const maxBatchSize = options.maxBatchSize ?? 500;
  const processed = new Map(Object.entries(options.from));
  const retry = partitionRetry<string>();
  // Partitions whose next batch may repeat what was delivered before: just (re)assigned, or retried.
  const resumedPartitions = new Set<string>();
  let closed = false;
  let assignments = 0;
  const linger = options.lingerMs ? { minBytes: LINGER_MIN_BYTES, maxWaitTimeInMs: options.lingerMs } : {};
  const consumer = kafka.consumer({ ...timing, ...linger, groupId: options.subscriberId, readUncommitted: false, allowAutoTopicCreation: false });

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = Object.entries(payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions }));
    // Held until the stored checkpoint is read: another member may have moved these partitions on.
    consumer.pause(assigned);
    const assignment = ++assignments;
    void (async () => {
      const stored = await storedCheckpoint();
      // A later assignment replaced this one while the checkpoint was read: it seeks for itself.
      if (closed || assignment !== assignments) return;
      for (const { topic, partitions } of assigned) {
        for (const partition of partitions) {
          const key = partitionKey(topic, partition);
          if (stored[key] !== undefined) processed.set(key, stored[key]);
          const last = processed.get(key);
          resumedPartitions.add(key);
          // Offset 0 stands for the beginning: kafkajs moves an offset below the log start to the earliest.
          consumer.seek({ topic, partition, offset: last === undefined ? '0' : String(BigInt(last) + 1n) });
        }
      }
      consumer.resume(assigned);
    })();
  });
  /** The caller's stored checkpoint, asked again (100 ms, doubling up to 5 s) until it answers. */
  async function storedCheckpoint(): Promise<Checkpoint> {
    for (let waitMs = 100; !closed; waitMs = Math.min(waitMs * 2, MAX_WAIT_MS)) {
      try {
        return (await options.checkpointOf?.()) ?? {};
      } catch (error) {
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    return {};
  }
  consumer.on(consumer.events.CRASH, ({ payload }) => options.onError?.(payload.error));

  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.concurrentPartitions ? CONCURRENT_PARTITIONS : 1,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, pause, isRunning, isStale }) => {
      const { topic, partition } = batch;
      const key = partitionKey(topic, partition);
      const last = processed.get(key);
      const fresh = batch.messages.filter((m) => last === undefined || BigInt(m.offset) > BigInt(last));
      for (let start = 0; start < fresh.length; start += maxBatchSize) {
        if (closed || !isRunning() || isStale()) return;
        const messages = fresh.slice(start, start + maxBatchSize);
        const lastOffset = messages[messages.length - 1].offset;
        // A batch may take longer than the group's session (a slow store, a wait for another
        // projection): the member keeps its partitions as long as its process is alive.
        const beating = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_DURING_BATCH_MS);
        try {
          const events = messages.map((m) => toEvent(topic, partition, m));
          await options.onBatch({ partition: key, events, checkpoint: { [key]: lastOffset }, resumed: resumedPartitions.has(key) });
        } catch (error) {
          resumedPartitions.add(key);
          options.onError?.(error);
          retry.later(key, () => consumer.seek({ topic, partition, offset: messages[0].offset }), pause);
          return;
        } finally {
          clearInterval(beating);
        }
        processed.set(key, lastOffset);
        resumedPartitions.delete(key);
        retry.succeeded(key);
        // With offsets given, this commits them now (consumer.commitOffsets would skip it while closing).
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: String(BigInt(lastOffset) + 1n) }] }] }).catch(
          (error: unknown) => options.onError?.(error),
        );
        await heartbeat();
      }
      resolveOffset(batch.lastOffset());
    },
  });

  return {
    async close() {
      closed = true;
      retry.cancel();
      await consumer.disconnect();
    },
  };
}
