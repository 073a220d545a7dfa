import type { Admin, ITopicConfig, PartitionMetadata } from 'kafkajs';

/** What a broker answers about a topic the controller has just created, until the broker has caught up. */
const SETTLING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);
const POLL_MS = 100;

/**
 * Creates the topics that are missing, and returns every topic's partitions once each partition's
 * leader answers for it.
 *
 * kafkajs's own wait (`waitForLeaders`) retries only LEADER_NOT_AVAILABLE. A KRaft broker answers
 * UNKNOWN_TOPIC_OR_PARTITION for a moment after the controller created a topic, until it has
 * applied the new metadata, and kafkajs then fails the creation that had in fact succeeded. Even
 * once the metadata names a leader, the leader may not host the partition yet (KAFKA-15780): asking
 * each leader for the partition's offsets waits for that too.
 */
export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<Map<string, PartitionMetadata[]>> {
  const existing = new Set(await admin.listTopics());
  // Asking for a topic that exists makes kafkajs log an error, on every start of every process.
  const missing = topics.filter(({ topic }) => !existing.has(topic));
  if (missing.length > 0) await admin.createTopics({ waitForLeaders: false, topics: missing });

  const names = topics.map(({ topic }) => topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      const led = metadata.topics.every(({ partitions }) => partitions.length > 0 && partitions.every(({ leader }) => leader >= 0));
      if (led) {
        await Promise.all(names.map((topic) => admin.fetchTopicOffsets(topic)));
        return new Map(metadata.topics.map(({ name, partitions }) => [name, partitions]));
      }
    } catch (error) {
      if (!SETTLING.has((error as { type?: string }).type ?? '')) throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Kafka created the topics ${names.join(', ')} but their partitions had no leader after ${timeoutMs / 1000} s. ` +
          'Check the broker log (infra/local prints where it is) and that the broker is healthy, then start again.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
