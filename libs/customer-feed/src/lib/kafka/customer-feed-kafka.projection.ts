import type { Kafka, Message } from 'kafkajs';
import { asTopicMessages, createTopicsAndWait, idempotentProducer, isMessageTooLarge, produceRequests, TopicSettingsError, topicSettingsWatch } from '@cdp/event-log-kafka';
import type { CustomerChange, CustomerFeedState } from '@cdp/feed';
import { RetryBatchLaterError, type ProjectionDefinition } from '@cdp/projections';
import { customerFeedPlatformTopics, type CustomerFeedTopics } from './customer-feed-topics';

export interface CustomerFeedKafkaOptions {
  readonly kafka: Kafka;
  readonly topics: CustomerFeedTopics;
  readonly codec: {
    encodeState(state: CustomerFeedState): Buffer;
    encodeChange(change: CustomerChange): Buffer;
  };
  /** How often the topics' settings are checked again while the feed publishes (default a minute). */
  readonly settingsCheckMs?: number;
}

export const CUSTOMER_FEED_KAFKA_PROJECTION = 'customer_feed_kafka';

function tooLargeMessage(messages: readonly Message[]): string {
  const largest = messages.reduce((a, b) => (size(b) > size(a) ? b : a));
  return (
    `Kafka refused customer ${String(largest.key)}'s change as too large: its message is ${size(largest).toLocaleString('en')} bytes, over the feed topics' ` +
    `max.message.bytes (8 MiB as the platform creates them). Raise that limit on both topics, then retry the dead letter (cdp dlq retry)`
  );
}

function size(message: Message): number {
  return (message.value as Buffer | null)?.length ?? 0;
}

const VERSION_HEADER = 'cdp-version';
const EVENT_ID_HEADER = 'cdp-event-id';

/**
 * Publishes the feed's log to Kafka, as a projection of that log with its own checkpoint: each
 * change goes to the events topic, and the state it leads to to the compacted profiles topic (a
 * tombstone for a forgotten customer), both keyed by customer id, so a customer's messages keep
 * their order in one partition. The checkpoint is committed only after Kafka has the batch: a crash
 * sends the batch again, and consumers drop what they have by customer id and version.
 *
 * The profiles topic's compaction is checked again every minute while the feed publishes: set to
 * delete, Kafka would drop the state of every customer quiet for longer than its retention, and a
 * new subscriber would never hear of them. The feed then waits, `retrying` with the setting and the
 * command that mends it, its changes kept in its log, and goes on once it is mended.
 */
export function customerFeedKafkaProjection(options: CustomerFeedKafkaOptions): ProjectionDefinition {
  return {
    name: CUSTOMER_FEED_KAFKA_PROJECTION,
    schema: CUSTOMER_FEED_KAFKA_PROJECTION,
    async open() {
      const admin = options.kafka.admin();
      await admin.connect();
      const platformTopics = customerFeedPlatformTopics(options.topics);
      const watch = topicSettingsWatch(admin, { everyMs: options.settingsCheckMs ?? 60_000, then: 'and the feed is published again' });
      try {
        await createTopicsAndWait(admin, platformTopics);
      } catch (error) {
        await admin.disconnect();
        throw error;
      }
      for (const { topic } of platformTopics) watch.checkedNow(topic);
      const producer = idempotentProducer(options.kafka);
      return {
        async apply(_tx, events) {
          await watch.checkIfDue(platformTopics).catch((error: unknown) => {
            throw error instanceof TopicSettingsError ? new RetryBatchLaterError(`the feed is not published: ${error.message}`, { cause: error }) : error;
          });
          const changes = events.map((e) => e.data as CustomerChange);
          const headers = (change: CustomerChange) => ({ [EVENT_ID_HEADER]: change.eventId, [VERSION_HEADER]: String(change.version) });
          const toEvents: Message[] = changes.map((change) => ({ key: change.customerId, value: options.codec.encodeChange(change), headers: headers(change) }));
          const toProfiles: Message[] = changes.map((change) => ({
            key: change.customerId,
            value: change.state === null ? null : options.codec.encodeState(change.state),
            headers: headers(change),
          }));
          // A batch of a rebuild or a backlog holds thousands of whole states: more than Kafka takes in one record batch.
          const outgoing = changes.flatMap((_, n) => [
            { topic: options.topics.events, message: toEvents[n] },
            { topic: options.topics.profiles, message: toProfiles[n] },
          ]);
          for (const request of produceRequests(outgoing)) {
            try {
              await producer.send(asTopicMessages(request));
            } catch (error) {
              // One customer's state too large for any message fails the batch, not the feed: the
              // runtime sets that change aside as a dead letter, and the other customers go on.
              if (isMessageTooLarge(error)) throw new Error(tooLargeMessage(request.map((r) => r.message)), { cause: error });
              // Kafka being away is no fault of the events: the batch waits, it is not dead-lettered.
              throw new RetryBatchLaterError(`Kafka did not take the feed batch: ${(error as Error).message}`, { cause: error });
            }
          }
        },
        close: () => Promise.all([producer.close(), admin.disconnect()]).then(() => undefined),
      };
    },
  };
}
