import type { Kafka } from 'kafkajs';

/**
 * Moves the group `groupId`, before it joins, past what Kafka's retention deleted from `topic`
 * (the events topic keeps 7 days): a partition whose committed offset is older than the oldest
 * change still held resumes at that oldest change. Left alone, kafkajs resets such a partition
 * to the end `fromBeginning` names, silently, and with `from: 'now'` skips even the changes still
 * held. Returns a description of each such partition: changes were lost there. Only at a join:
 * a member that falls behind the retention while it runs is reset by kafkajs.
 */
export async function resumeWithinRetention(kafka: Kafka, topic: string, groupId: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const oldest = new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, low }) => [partition, BigInt(low)]));
    const behind = (committed?.partitions ?? []).flatMap(({ partition, offset }) => {
      const low = oldest.get(partition);
      // -1: nothing committed there yet, where `from` decides.
      return BigInt(offset) >= 0n && low !== undefined && BigInt(offset) < low ? [{ partition, committed: BigInt(offset), low }] : [];
    });
    if (behind.length === 0) return [];
    // Kafka moves the offsets of a group without running members only: one that another instance of
    // the service runs resumes where kafkajs resets it, and this one joins it all the same.
    const moved = await admin.setOffsets({ groupId, topic, partitions: behind.map(({ partition, low }) => ({ partition, offset: String(low) })) }).then(
      () => '',
      (error: Error) => ` (not moved: ${error.message})`,
    );
    return behind.map(({ partition, committed, low }) => `partition ${partition}, offsets ${committed} to ${low - 1n}${moved}`);
  } finally {
    await admin.disconnect();
  }
}
