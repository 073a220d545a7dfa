import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { CUSTOMER_EVENTS_TOPIC } from '@cdp/feed';
import { isKnownChangeType, matchesFilter } from '../customer-change-filter';
import { callHandler, CustomerFeedError, subscriptionOf, type CustomerChangeHandler, type CustomerSubscription } from '../customer-subscription';
import type { KafkaSubscribeOptions, KafkaTransport } from './kafka-subscribe-options';
import { Backoff, reporter, retryUntilDone, sleep, whenAborted } from '../retry';
import { customerChangeDecoder } from './customer-change-decoder';
import { resumeWithinRetention } from './resume-within-retention';

const TOPIC: typeof CUSTOMER_EVENTS_TOPIC = 'cdp.customer-events.v1';
/** kafkajs's default heartbeat interval: waits between retries beat at this pace to keep the partitions. */
const HEARTBEAT_EVERY_MS = 3_000;

/** The part of a kafkajs consumer the subscription drives. */
export type FeedConsumer = Pick<Consumer, 'connect' | 'subscribe' | 'run' | 'disconnect' | 'on' | 'events'>;

/**
 * Follows `cdp.customer-events.v1` as the consumer group `groupId`. Offsets are committed one
 * message at a time, once its handler resolved (or the filter skipped it), so a restart resumes
 * after the last change handled; the change being handled when the process died comes again.
 * A handler that fails gets the same change again, after growing delays, while the partition's
 * later changes wait: skipping it would lose it. A message that can never be decoded (not the
 * wire format, a schema id the registry does not hold, bytes its schema does not read) is
 * reported to `onError` with its topic, partition and offset, and passed over. A consumer that
 * crashes is made again; only kafkajs missing stops the subscription.
 */
export function kafkaSubscription(
  options: KafkaSubscribeOptions,
  handler: CustomerChangeHandler,
  newConsumer: () => Promise<FeedConsumer> = kafkajsConsumers(options.transport.kafka),
  pastRetention: (topic: string) => Promise<readonly string[]> = kafkajsRetentionCheck(options.transport.kafka),
): CustomerSubscription {
  const { registryUrl, registryHeaders, fetch, topic = TOPIC } = options.transport.kafka;
  if (topic.endsWith('customer-profiles.v1')) {
    throw new CustomerFeedError(
      'FEED.INVALID_SUBSCRIPTION',
      `${topic} holds customers' states, not their changes: subscribe to the events topic (${TOPIC}, or <namespace>.customer-events.v1), and read the profiles topic with a plain Kafka consumer to reload every state (docs/subscribing.md)`,
    );
  }
  const decode = customerChangeDecoder({ url: registryUrl, headers: registryHeaders, fetch });
  const report = reporter(options.onError);
  const closing = new AbortController();
  const restarts = new Backoff(options);
  let lastEventId: string | undefined;

  async function run(): Promise<void> {
    while (!closing.signal.aborted) {
      let consumer: FeedConsumer;
      try {
        consumer = await newConsumer();
      } catch (error) {
        report(error);
        throw error;
      }
      try {
        await follow(consumer);
      } catch (error) {
        report(error);
      } finally {
        await consumer.disconnect().catch(report);
      }
      await sleep(restarts.next(), closing.signal);
    }
  }

  /** Returns once closing, or once the consumer crashed for good. */
  async function follow(consumer: FeedConsumer): Promise<void> {
    const crashed = new Promise<void>((resolve) =>
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        report(payload.error);
        if (!payload.restart) resolve();
      }),
    );
    const lost = await pastRetention(topic);
    if (lost.length > 0) {
      report(
        new CustomerFeedError(
          'FEED.CHANGES_PRUNED',
          `${topic} no longer holds the changes after where group ${options.transport.kafka.groupId} stopped (${lost.join('; ')}): Kafka's retention deleted them. ` +
            "It resumes at the oldest change still held; reload every customer's state from the compacted profiles topic (docs/subscribing.md)",
        ),
      );
    }
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: options.from === 'start' });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
    await Promise.race([crashed, whenAborted(closing.signal)]);
  }

  async function eachBatch({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const stopped = () => closing.signal.aborted || !isRunning() || isStale();
    for (const message of batch.messages) {
      if (stopped()) return;
      const id = `${topic}/${partition}:${message.offset}`;
      const handled = await retryUntilDone(
        async (attempt) => {
          if (message.value === null) return;
          const change = await decode(message.value).catch((error: unknown) => {
            if (!(error instanceof CustomerFeedError)) throw error;
            // No retry decodes it, and waiting on it would stop the partition for good: it is reported, located, and passed over.
            report(new CustomerFeedError(error.code, `${id}: ${error.message}; it is skipped`));
            return undefined;
          });
          if (change === undefined) return;
          if (!isKnownChangeType(change.type) || !matchesFilter(change, options.filter)) return;
          await callHandler(handler, change, { id }, attempt);
        },
        {
          reconnectDelayMs: options.reconnectDelayMs,
          maxReconnectDelayMs: options.maxReconnectDelayMs,
          report,
          stopped,
          wait: async (ms) => {
            for (let left = ms; left > 0 && !closing.signal.aborted; left -= HEARTBEAT_EVERY_MS) {
              await sleep(Math.min(left, HEARTBEAT_EVERY_MS), closing.signal);
              await heartbeat();
            }
          },
        },
      );
      if (!handled) return;
      lastEventId = id;
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: String(BigInt(message.offset) + 1n) }] }] }).catch(report);
      restarts.reset();
      await heartbeat();
    }
  }

  return subscriptionOf(run(), closing, () => lastEventId);
}

/** A kafkajs client, made at first use; kafkajs is an optional peer dependency, loaded only for Kafka. */
function kafkajsClient(transport: KafkaTransport): () => Promise<import('kafkajs').Kafka> {
  let kafka: Promise<import('kafkajs').Kafka> | undefined;
  return () =>
    (kafka ??= import('kafkajs').then(
      ({ Kafka, logLevel }) => new Kafka({ logLevel: logLevel.WARN, ...transport.config, clientId: transport.clientId ?? 'cdp-client', brokers: [...transport.brokers] }),
    ));
}

function kafkajsConsumers(transport: KafkaTransport): () => Promise<FeedConsumer> {
  const kafka = kafkajsClient(transport);
  return async () => (await kafka()).consumer({ groupId: transport.groupId, allowAutoTopicCreation: false });
}

function kafkajsRetentionCheck(transport: KafkaTransport): (topic: string) => Promise<readonly string[]> {
  const kafka = kafkajsClient(transport);
  return async (topic) => resumeWithinRetention(await kafka(), topic, transport.groupId);
}
