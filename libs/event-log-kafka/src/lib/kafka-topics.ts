import { Partitioners, type Admin, type PartitionMetadata } from 'kafkajs';
import { createTopicsAndWait } from './create-topics';

export interface KafkaTopics {
  /** Creates the topic if it is missing; remembered for the life of the process. */
  ensure(topic: string): Promise<void>;
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
export function kafkaTopics(admin: Admin, partitions: number): KafkaTopics {
  const known = new Map<string, Promise<PartitionMetadata[]>>();
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
    const created = await createTopicsAndWait(admin, [
      {
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
      },
    ]);
    return created.get(topic)!;
  }

  return {
    async ensure(topic) {
      await metadataOf(topic);
    },
    async partitionerOf(topic) {
      const partitionMetadata = await metadataOf(topic);
      return (key) => choosePartition({ topic, partitionMetadata, message: { key, value: null } });
    },
    forget(topic) {
      known.delete(topic);
    },
  };
}
