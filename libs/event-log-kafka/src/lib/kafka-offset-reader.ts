import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { ConsumerTiming } from './consumer-timing';

const READ_TIMEOUT_MS = 15_000;

/**
 * Fetches the messages at the given offsets of one partition. kafkajs reads only as a member of a
 * consumer group, so this joins a group of its own (no offsets are committed), starts at the
 * first offset and stops after the last.
 */
export async function readMessagesAt(
  kafka: Kafka,
  timing: ConsumerTiming,
  topic: string,
  partition: number,
  offsets: readonly string[],
): Promise<Map<string, KafkaMessage>> {
  const wanted = new Set(offsets);
  const sorted = offsets.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const found = new Map<string, KafkaMessage>();
  const consumer = kafka.consumer({
    ...timing,
    groupId: `cdp-read-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  let settle: (error?: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  const timer = setTimeout(() => settle(new Error(`reading ${topic}/${partition} took longer than ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const others = (payload.memberAssignment[topic] ?? []).filter((p) => p !== partition);
    if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
    consumer.seek({ topic, partition, offset: String(sorted[0]) });
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => settle(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition) return;
        for (const message of batch.messages) if (wanted.has(message.offset)) found.set(message.offset, message);
        if (found.size === wanted.size || BigInt(batch.lastOffset()) >= sorted[sorted.length - 1]) settle();
      },
    });
    await done;
    return found;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
