import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import type { EventLog } from '@cdp/event-log';
import { idempotentProducer, isMessageTooLarge, isTopicMissing, partitionRetry, type ConsumerTiming } from '@cdp/event-log-kafka';
import type { SchemaCatalog } from '@cdp/events';
import type { NormalizationPolicy } from '@cdp/identity';
import { appendAccepted, type AcceptedTouchpoint } from './append-accepted';
import { classifyIntakeMessage, type IntakeRefusalCode } from './classify-intake-message';
import { deadLetterMessage, messagePosition, withoutValue } from './dead-letter-message';
import { ensureTouchpointIntakeTopics, type TouchpointIntakeTopics } from './intake-topics';

export interface TouchpointIntakeOptions {
  readonly kafka: Kafka;
  readonly topics: TouchpointIntakeTopics;
  readonly log: EventLog;
  readonly catalog: SchemaCatalog;
  readonly policy: NormalizationPolicy;
  readonly now: () => Date;
  /** Messages per append and commit; default 500. */
  readonly maxBatchSize?: number;
  /** The intake group's timing; kafkajs's defaults when left out. */
  readonly timing?: ConsumerTiming;
  readonly onAccepted?: (count: number) => void;
  /** Of those, how many the log already held by their event id: taken again, or an id reused (the later touchpoint is dropped). */
  readonly onDuplicates?: (count: number) => void;
  readonly onDeadLettered?: (code: IntakeRefusalCode) => void;
  /** A batch failed (Kafka or the log) and will be taken again, or the consumer crashed. */
  readonly onError?: (error: unknown) => void;
}

export interface TouchpointIntake {
  /** Stops reading; resolves once the batch in hand (if any) is finished. */
  close(): Promise<void>;
}


/**
 * Reads the raw topic as the intake's consumer group: each batch's valid touchpoints are appended
 * to the touchpoint log and its refused messages produced to the dead-letter topic, and only then
 * are its offsets committed. When Kafka or the log fails, the batch's partition is paused for a
 * growing while and read again from the batch's first message: nothing is skipped, and what was
 * already appended is recognised by its event id. Dead letters are at least once: a batch taken
 * again may produce some a second time.
 */
export async function runTouchpointIntake(options: TouchpointIntakeOptions): Promise<TouchpointIntake> {
  const { kafka, topics } = options;
  const maxBatchSize = options.maxBatchSize ?? 500;
  const ensureTopics = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTouchpointIntakeTopics(admin, topics);
    } finally {
      await admin.disconnect();
    }
  };
  await ensureTopics();

  const producer = idempotentProducer(kafka);
  const retry = partitionRetry<number>();
  let closed = false;

  async function take(partition: number, messages: readonly KafkaMessage[]): Promise<void> {
    const arrivedAt = options.now();
    const context = { ...options.policy, catalog: options.catalog, receivedAt: arrivedAt.toISOString() };
    const accepted: AcceptedTouchpoint[] = [];
    const deadLetters: Message[] = [];
    const refusedCodes: IntakeRefusalCode[] = [];
    for (const message of messages) {
      const source = messagePosition(topics.raw, partition, message.offset);
      const decision = classifyIntakeMessage(message.value, source, context);
      if (decision.kind === 'append') {
        accepted.push({ touchpoint: decision.touchpoint, streamId: decision.streamId, source });
      } else {
        deadLetters.push(deadLetterMessage(message, decision, source, arrivedAt));
        refusedCodes.push(decision.code);
      }
    }
    const appended = accepted.length > 0 ? await appendAccepted(options.log, accepted) : [];
    if (deadLetters.length > 0) await sendDeadLetters(deadLetters);
    options.onAccepted?.(accepted.length);
    const duplicates = appended.filter(({ events }) => events.some((event) => event.duplicate)).length;
    if (duplicates > 0) options.onDuplicates?.(duplicates);
    for (const code of refusedCodes) options.onDeadLettered?.(code);
  }

  /**
   * One request for the batch's dead letters; if Kafka refuses it as too large, one at a time, and
   * a dead letter still too large without its value (the raw topic keeps that for its week): a
   * message the topic cannot hold must not stop its partition for good.
   */
  async function sendDeadLetters(deadLetters: Message[]): Promise<void> {
    try {
      await producer.send([{ topic: topics.deadLetters, messages: deadLetters }]).catch(async (error: unknown) => {
        // Deleted while the intake ran (the producer asks no broker to make it): made again as a start makes it.
        if (!isTopicMissing(error)) throw error;
        await ensureTopics();
        await producer.send([{ topic: topics.deadLetters, messages: deadLetters }]);
      });
    } catch (error) {
      if (!isMessageTooLarge(error)) throw error;
      for (const deadLetter of deadLetters) {
        await producer.send([{ topic: topics.deadLetters, messages: [deadLetter] }]).catch((tooLarge: unknown) => {
          if (!isMessageTooLarge(tooLarge)) throw tooLarge;
          return producer.send([{ topic: topics.deadLetters, messages: [withoutValue(deadLetter)] }]);
        });
      }
    }
  }

  // Closing, and resuming a paused partition, wait for the fetch in hand: a long poll of a second keeps both short.
  const consumer = kafka.consumer({ ...options.timing, groupId: topics.group, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 });
  consumer.on(consumer.events.CRASH, ({ payload }) => options.onError?.(payload.error));
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.raw], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, pause, isRunning, isStale }) => {
      const { topic, partition } = batch;
      for (let start = 0; start < batch.messages.length; start += maxBatchSize) {
        if (closed || !isRunning() || isStale()) return;
        const messages = batch.messages.slice(start, start + maxBatchSize);
        const lastOffset = messages[messages.length - 1].offset;
        try {
          await take(partition, messages);
          // With offsets given, this commits them now (consumer.commitOffsets would skip it while closing).
          await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: String(BigInt(lastOffset) + 1n) }] }] });
        } catch (error) {
          options.onError?.(error);
          retry.later(partition, () => consumer.seek({ topic, partition, offset: messages[0].offset }), pause);
          return;
        }
        resolveOffset(lastOffset);
        retry.succeeded(partition);
        await heartbeat();
      }
    },
  });

  return {
    async close() {
      closed = true;
      retry.cancel();
      await consumer.disconnect();
      await producer.close();
    },
  };
}
