import type { Kafka, Message } from 'kafkajs';
import { idempotentProducer } from '@cdp/event-log-kafka';
import type { CustomerChange, CustomerFeedState } from '@cdp/feed';
import { RetryBatchLaterError, type ProjectionDefinition } from '@cdp/projections';
import { ensureCustomerFeedTopics, type CustomerFeedTopics } from './customer-feed-topics';

export interface CustomerFeedKafkaOptions {
  readonly kafka: Kafka;
  readonly topics: CustomerFeedTopics;
  readonly codec: {
    encodeState(state: CustomerFeedState): Buffer;
    encodeChange(change: CustomerChange): Buffer;
  };
}

export const CUSTOMER_FEED_KAFKA_PROJECTION = 'customer_feed_kafka';

const VERSION_HEADER = 'cdp-version';

/** What one send carries at most, well under Kafka's default limit on a record batch (message.max.bytes, 1 MiB). */
export const MAX_SEND_BYTES = 512 * 1024;
const EVENT_ID_HEADER = 'cdp-event-id';

/**
 * Publishes the feed's log to Kafka, as a projection of that log with its own checkpoint: each
 * change goes to the events topic, and the state it leads to to the compacted profiles topic (a
 * tombstone for a forgotten customer), both keyed by customer id, so a customer's messages keep
 * their order in one partition. The checkpoint is committed only after Kafka has the batch: a crash
 * sends the batch again, and consumers drop what they have by customer id and version.
 */
export function customerFeedKafkaProjection(options: CustomerFeedKafkaOptions): ProjectionDefinition {
  return {
    name: CUSTOMER_FEED_KAFKA_PROJECTION,
    schema: CUSTOMER_FEED_KAFKA_PROJECTION,
    async open() {
      const admin = options.kafka.admin();
      await admin.connect();
      try {
        await ensureCustomerFeedTopics(admin, options.topics);
      } finally {
        await admin.disconnect();
      }
      const producer = idempotentProducer(options.kafka);
      return {
        async apply(_tx, events) {
          const headers = (change: CustomerChange) => ({ [EVENT_ID_HEADER]: change.eventId, [VERSION_HEADER]: String(change.version) });
          const messages = events.map((e) => {
            const change = e.data as CustomerChange;
            const toEvents: Message = { key: change.customerId, value: options.codec.encodeChange(change), headers: headers(change) };
            const toProfiles: Message = { key: change.customerId, value: change.state === null ? null : options.codec.encodeState(change.state), headers: headers(change) };
            return { toEvents, toProfiles };
          });
          // In order, a part at a time: a batch of a rebuild or a backlog holds thousands of whole
          // states, and Kafka refuses a record batch over its message.max.bytes (1 MiB by default).
          for (const part of partsOfAtMost(MAX_SEND_BYTES, messages, ({ toEvents, toProfiles }) => bytesOf(toEvents) + bytesOf(toProfiles))) {
            try {
              await producer.send([
                { topic: options.topics.events, messages: part.map((m) => m.toEvents) },
                { topic: options.topics.profiles, messages: part.map((m) => m.toProfiles) },
              ]);
            } catch (error) {
              // Kafka being away is no fault of the events: the batch waits, it is not dead-lettered.
              throw new RetryBatchLaterError(`Kafka did not take the feed batch: ${(error as Error).message}`, { cause: error });
            }
          }
        },
        close: () => producer.close(),
      };
    },
  };
}

function bytesOf({ key, value, headers }: Message): number {
  const headerBytes = Object.entries(headers ?? {}).reduce((sum, [name, header]) => sum + name.length + String(header).length, 0);
  return String(key ?? '').length + (value?.length ?? 0) + headerBytes;
}

/** The items in order, in consecutive parts each under `maxBytes` (an item larger than that alone). */
export function partsOfAtMost<T>(maxBytes: number, items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const parts: T[][] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (parts.length === 0 || bytes + size > maxBytes) {
      parts.push([]);
      bytes = 0;
    }
    parts[parts.length - 1].push(item);
    bytes += size;
  }
  return parts;
}

