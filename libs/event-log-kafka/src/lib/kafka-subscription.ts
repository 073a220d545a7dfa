import { partitionRetry } from './partition-retry';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Checkpoint, RecordedEvent, SubscribeOptions, Subscription } from '@cdp/event-log';
import { partitionKey } from './kafka-message';
import type { ConsumerTiming } from './consumer-timing';
import { LogShorterThanCheckpointError } from './kafka-event-log.errors';

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
/** How often a partition held back (it ended before its checkpoint) is looked at again, and reported. */
const HELD_PARTITION_CHECK_MS = 30_000;

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
 *
 * A partition that ends before its checkpoint (the topic deleted and made anew) is not read: reading
 * from the checkpoint on would skip what the new topic holds below it. It stays paused, reported
 * to `onError` every 30 s, until its stored checkpoint changes (a rebuild of the projection), or
 * the process starts again (after the topic was restored from a backup that keeps offsets).
 */
export async function kafkaSubscription(
  kafka: Kafka,
  timing: ConsumerTiming,
  topics: readonly (string | RegExp)[],
  toEvent: (topic: string, partition: number, message: KafkaMessage) => RecordedEvent,
  options: SubscribeOptions,
  heldPartitionCheckMs = HELD_PARTITION_CHECK_MS,
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
  const admin = kafka.admin();
  /** Partitions found ending before their checkpoint, by that checkpoint and the end they had then. */
  const held = new Map<string, { readonly checkpoint: string; readonly end: string }>();
  let heldCheck: NodeJS.Timeout | undefined;

  /** The group's assignment to this member, as of its last join. */
  let assignedNow: readonly string[] = [];
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = Object.entries(payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions }));
    assignedNow = [...assigned]
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
      .flatMap(({ topic, partitions }) => [...partitions].sort((a, b) => a - b).map((partition) => partitionKey(topic, partition)));
    // Held until the stored checkpoint is read: another member may have moved these partitions on.
    consumer.pause(assigned);
    const assignment = ++assignments;
    clearTimeout(heldCheck);
    // A later assignment replaces this one: it reads and seeks for itself.
    const current = () => !closed && assignment === assignments;
    const start = async (waiting: readonly { topic: string; partition: number }[]) => {
      const stored = options.checkpointOf ? await storedCheckpoint(current) : undefined;
      const ends = await endOffsets(waiting.map(({ topic }) => topic), current);
      if (!current()) return;
      const stillHeld: { topic: string; partition: number }[] = [];
      for (const { topic, partition } of waiting) {
        const key = partitionKey(topic, partition);
        // The stored checkpoint is the whole truth: a partition it holds nothing of starts at the beginning (a rebuild swapped it in).
        if (stored !== undefined) {
          if (stored[key] === undefined) processed.delete(key);
          else processed.set(key, stored[key]);
        }
        const last = processed.get(key);
        const end = ends.get(key);
        const found = held.get(key);
        // Once found short, a partition stays held while its checkpoint stays: a topic made anew
        // that has since grown past the checkpoint is no less another topic (its offsets below it unread).
        const short = found?.checkpoint === last ? found : last !== undefined && end !== undefined && BigInt(last) >= BigInt(end) ? { checkpoint: last, end } : undefined;
        if (short !== undefined) {
          held.set(key, short);
          options.onError?.(new LogShorterThanCheckpointError(topic, partition, short.checkpoint, short.end));
          stillHeld.push({ topic, partition });
          continue;
        }
        held.delete(key);
        resumedPartitions.add(key);
        // Offset 0 stands for the beginning: kafkajs moves an offset below the log start to the earliest.
        consumer.seek({ topic, partition, offset: last === undefined ? '0' : String(BigInt(last) + 1n) });
        consumer.resume([{ topic, partitions: [partition] }]);
      }
      if (stillHeld.length > 0) heldCheck = setTimeout(() => void start(stillHeld).catch((error: unknown) => options.onError?.(error)), heldPartitionCheckMs);
      else options.onResumed?.();
    };
    void start(assigned.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })))).catch((error: unknown) => options.onError?.(error));
  });
  /** Each partition's end (the offset its next message will take), asked again until the broker answers. */
  async function endOffsets(topics: readonly string[], current: () => boolean): Promise<Map<string, string>> {
    const ends = new Map<string, string>();
    for (const topic of new Set(topics)) {
      for (let waitMs = 100; current(); waitMs = Math.min(waitMs * 2, MAX_WAIT_MS)) {
        try {
          for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(partitionKey(topic, partition), high);
          break;
        } catch (error) {
          options.onError?.(error);
          await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
      }
    }
    return ends;
  }
  /** The caller's stored checkpoint, asked again (100 ms, doubling up to 5 s) until it answers. */
  async function storedCheckpoint(current: () => boolean): Promise<Checkpoint> {
    for (let waitMs = 100; current(); waitMs = Math.min(waitMs * 2, MAX_WAIT_MS)) {
      try {
        return await options.checkpointOf!();
      } catch (error) {
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    return {};
  }
  consumer.on(consumer.events.CRASH, ({ payload }) => options.onError?.(payload.error));

  try {
    await admin.connect();
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
            await options.onBatch({ partition: key, events, checkpoint: { [key]: lastOffset }, resumed: resumedPartitions.has(key), follows: processed.get(key) ?? null });
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
  } catch (error) {
    // A start under way for an assignment must not go on asking a disconnected client.
    closed = true;
    clearTimeout(heldCheck);
    await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
    throw error;
  }

  return {
    partitions: () => (closed ? [] : assignedNow),
    async close() {
      closed = true;
      retry.cancel();
      clearTimeout(heldCheck);
      try {
        await consumer.disconnect();
      } finally {
        await admin.disconnect();
      }
    },
  };
}
