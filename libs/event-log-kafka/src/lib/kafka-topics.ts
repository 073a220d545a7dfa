import { Partitioners, type Admin, type PartitionMetadata } from 'kafkajs';
import { createTopicsAndWait, type PlatformTopic } from './create-topics';
import { topicSettingsWatch } from './topic-settings-watch';

export interface KafkaTopics {
  /**
   * Creates the topic if it is missing; remembered for the life of the process. Its settings are
   * checked again every `settingsCheckMs`: an operator may set a retention on it while the
   * platform runs, and a touchpoint taken into a log that deletes it is not kept. Throws
   * TopicSettingsError then, until they are mended.
   */
  ensure(topic: string): Promise<void>;
  /** The same check of every topic ensured so far (for health). */
  checkSettings(): Promise<void>;
  /** Where the topic's keys go, as Kafka's Java client would choose (murmur2): key → partition. */
  partitionerOf(topic: string): Promise<(key: string) => number>;
  /** Reads the topic again at its next use: it was deleted, or made anew, while the process ran. */
  forget(topic: string): void;
}

const KEPT_FOR_REBUILDS = 'the log is the source of truth that rebuilds read from its start, and Kafka would delete older touchpoints';

/**
 * The log's topics. They keep messages forever (the log is the source of truth that read models
 * are rebuilt from), and their timestamps are the broker's append times.
 */
export function kafkaTopics(admin: Admin, partitions: number, settingsCheckMs = 60_000): KafkaTopics {
  const known = new Map<string, Promise<PartitionMetadata[]>>();
  const watch = topicSettingsWatch(admin, { everyMs: settingsCheckMs, then: 'and appends are taken again' });
  const choosePartition = Partitioners.DefaultPartitioner();

  const metadataOf = (topic: string) => {
    let metadata = known.get(topic);
    if (!metadata) {
      metadata = create(topic);
      known.set(topic, metadata);
      metadata.catch(() => known.delete(topic));
    }
    return metadata;
  };

  async function create(topic: string): Promise<PartitionMetadata[]> {
    const created = await createTopicsAndWait(admin, [logTopic(topic)]);
    watch.checkedNow(topic);
    return created.get(topic)!;
  }

  function logTopic(topic: string): PlatformTopic {
    return {
      topic,
      numPartitions: partitions,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: '-1' },
        { name: 'retention.bytes', value: '-1' },
        { name: 'message.timestamp.type', value: 'LogAppendTime' },
      ],
      guarantees: {
        'cleanup.policy': 'compaction would keep only the latest touchpoint of each key, and a rebuild reads every touchpoint from the start',
        'retention.ms': KEPT_FOR_REBUILDS,
        'retention.bytes': KEPT_FOR_REBUILDS,
      },
    };
  }

  return {
    async ensure(topic) {
      await metadataOf(topic);
      await watch.checkIfDue([logTopic(topic)]);
    },
    checkSettings: () => watch.checkIfDue(watch.watched().map(logTopic)),
    async partitionerOf(topic) {
      const partitionMetadata = await metadataOf(topic);
      return (key) => choosePartition({ topic, partitionMetadata, message: { key, value: null } });
    },
    forget(topic) {
      known.delete(topic);
      watch.forget(topic);
    },
  };
}
