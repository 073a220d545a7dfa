import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export interface ReadTopicOptions {
  /** Called once, before any message, with how many messages the topic holds up to its end. */
  readonly onTotal?: (total: number) => void;
  /** Gives up when no batch has come for this long; default 30 s. */
  readonly idleTimeoutMs?: number;
}

/**
 * Reads a topic from its beginning up to the high-water marks it has when called, a batch of one
 * partition at a time, in offset order per partition; messages produced meanwhile are left for
 * the next read. kafkajs reads only as a member of a consumer group: this one joins a group of its
 * own, commits nothing, and deletes the group afterwards, so every read sees the same messages.
 * A topic that does not exist reads as empty. Resolves to the number of messages read.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  onMessages: (partition: number, messages: readonly KafkaMessage[]) => Promise<void>,
  options: ReadTopicOptions = {},
): Promise<number> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `cdp-read-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      options.onTotal?.(0);
      return 0;
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    const highOf = new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
    const remaining = new Set(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => p.partition));
    options.onTotal?.(offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0));
    if (remaining.size === 0) return 0;

    let read = 0;
    let settled = false;
    let settle: (error?: unknown) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    let idle: NodeJS.Timeout | undefined;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      settle(error);
    };
    const watchIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(new Error(`reading ${topic} made no progress for ${idleTimeoutMs / 1000} s: is Kafka up?`)), idleTimeoutMs);
    };
    consumer.on(consumer.events.CRASH, ({ payload }) => finish(payload.error));
    watchIdle();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, pause }) => {
        if (settled || !remaining.has(batch.partition)) return;
        watchIdle();
        const high = highOf.get(batch.partition)!;
        const wanted = batch.messages.filter((m) => BigInt(m.offset) < high);
        try {
          if (wanted.length > 0) await onMessages(batch.partition, wanted);
        } catch (error) {
          finish(error);
          return;
        }
        read += wanted.length;
        if (BigInt(batch.lastOffset()) >= high - 1n) {
          remaining.delete(batch.partition);
          pause();
        }
        if (remaining.size === 0) finish();
      },
    });
    await done;
    return read;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
