import { createTopicsAndWait } from '@cdp/event-log-kafka';
import type { Admin } from 'kafkajs';

/** The intake's topics and consumer group under a namespace ("cdp" gives the names of the docs). */
export interface TouchpointIntakeTopics {
  /** Where producers write touchpoints: cdp.touchpoints.raw.v1. */
  readonly raw: string;
  /** Where the intake puts what it refused, with the reason in headers: cdp.touchpoints.dlq.v1. */
  readonly deadLetters: string;
  /** The consumer group that reads the raw topic: cdp.touchpoint-intake. */
  readonly group: string;
  readonly partitions: number;
}

export function touchpointIntakeTopics(namespace: string, partitions = 6): TouchpointIntakeTopics {
  return {
    raw: `${namespace}.touchpoints.raw.v1`,
    deadLetters: `${namespace}.touchpoints.dlq.v1`,
    group: `${namespace}.touchpoint-intake`,
    partitions,
  };
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
export const DEAD_LETTER_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/**
 * Creates the topics if missing. The raw topic is a buffer the intake empties within moments, so
 * it keeps a week; dead letters wait for a fix for as long as it takes, so they are kept forever.
 */
export async function ensureTouchpointIntakeTopics(admin: Admin, topics: TouchpointIntakeTopics): Promise<void> {
  await createTopicsAndWait(admin, [
    { topic: topics.raw, numPartitions: topics.partitions, configEntries: [{ name: 'retention.ms', value: String(WEEK_MS) }] },
    {
      topic: topics.deadLetters,
      numPartitions: topics.partitions,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: '-1' },
        { name: 'retention.bytes', value: '-1' },
        // A refused message of the raw topic's largest size, with the headers that say why.
        { name: 'max.message.bytes', value: String(DEAD_LETTER_MAX_MESSAGE_BYTES) },
      ],
      guarantees: Object.fromEntries(
        ['cleanup.policy', 'retention.ms', 'retention.bytes'].map((name) => [name, 'a dead letter waits for its fix and replay, and Kafka would drop the older ones unreplayed']),
      ),
    },
  ]);
}
