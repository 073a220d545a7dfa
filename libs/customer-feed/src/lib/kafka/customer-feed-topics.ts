import type { PlatformTopic } from '@cdp/event-log-kafka';

export interface CustomerFeedTopics {
  /** Full states, compacted: cdp.customer-profiles.v1 under the default namespace. */
  readonly profiles: string;
  /** Typed changes: cdp.customer-events.v1 under the default namespace. */
  readonly events: string;
  readonly partitions: number;
}

/** The feed's topics under a namespace ("cdp" gives the names of the public contract). */
export function customerFeedTopics(namespace: string, partitions = 6): CustomerFeedTopics {
  return { profiles: `${namespace}.customer-profiles.v1`, events: `${namespace}.customer-events.v1`, partitions };
}

/**
 * The largest message the feed's topics take: a customer's whole state, which many traits and
 * preferences make large, where the broker's own default (message.max.bytes) is 1 MiB. Consumers
 * need no setting of their own: a fetch returns a message larger than it asked for.
 */
export const CUSTOMER_FEED_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/**
 * The feed's topics as the platform creates them where they are missing (`createTopicsAndWait`), taking messages up to CUSTOMER_FEED_MAX_MESSAGE_BYTES. The profiles topic is compacted: Kafka keeps at least the latest
 * state of every customer forever, and drops a forgotten customer's tombstone after a day. A
 * change is compacted within about an hour (max.compaction.lag.ms, which also rolls the open
 * segment, and segment.ms): with Kafka's defaults, a week for the open segment and then only once
 * half the topic was older records, a new subscriber read days of every change before the latest
 * states. The events topic keeps a week; the feed's log in Postgres keeps what
 * CDP_FEED_RETENTION_DAYS says.
 */
export function customerFeedPlatformTopics(topics: CustomerFeedTopics): PlatformTopic[] {
  const maxMessageBytes = { name: 'max.message.bytes', value: String(CUSTOMER_FEED_MAX_MESSAGE_BYTES) };
  return [
    {
      topic: topics.profiles,
      numPartitions: topics.partitions,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'delete.retention.ms', value: String(24 * 60 * 60 * 1000) },
        { name: 'segment.ms', value: String(60 * 60 * 1000) },
        { name: 'max.compaction.lag.ms', value: String(60 * 60 * 1000) },
        maxMessageBytes,
      ],
      guarantees: { 'cleanup.policy': "a subscriber reading the topic from its start gets every customer's latest state, which deletion would drop for a customer quiet for longer than the retention" },
    },
    { topic: topics.events, numPartitions: topics.partitions, configEntries: [{ name: 'retention.ms', value: String(7 * 24 * 60 * 60 * 1000) }, maxMessageBytes] },
  ];
}
