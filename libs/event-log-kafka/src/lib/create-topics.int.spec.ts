import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createTopicsAndWait } from './create-topics';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const prefix = `cdp-test.create-topics.${randomUUID().slice(0, 8)}`;
const kafka = new Kafka({ brokers, clientId: prefix, logLevel: logLevel.NOTHING });
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
  if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  await admin.disconnect();
});

describe('createTopicsAndWait (real Kafka, KRaft)', () => {
  it('returns once every partition of every new topic has a leader, so a producer can write to each at once', async () => {
    const topics = [`${prefix}.a`, `${prefix}.b`];
    const partitions = await createTopicsAndWait(
      admin,
      topics.map((topic) => ({ topic, numPartitions: 4 })),
    );

    expect([...partitions.keys()].sort()).toEqual(topics);
    for (const topic of topics) {
      expect(partitions.get(topic)!.map(({ partitionId }) => partitionId).sort()).toEqual([0, 1, 2, 3]);
      expect(partitions.get(topic)!.every(({ leader }) => leader >= 0)).toBe(true);
    }
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.sendBatch({
        topicMessages: topics.map((topic) => ({ topic, messages: [0, 1, 2, 3].map((partition) => ({ partition, value: topic })) })),
      });
    } finally {
      await producer.disconnect();
    }
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.sort((a, b) => a.partition - b.partition).map(({ partition, high }) => [partition, high])).toEqual([
        [0, '1'],
        [1, '1'],
        [2, '1'],
        [3, '1'],
      ]);
    }
  });

  it('leaves a topic that exists as it is, and creates the missing ones beside it', async () => {
    const existing = `${prefix}.existing`;
    const missing = `${prefix}.missing`;
    await createTopicsAndWait(admin, [{ topic: existing, numPartitions: 2 }]);

    const partitions = await createTopicsAndWait(admin, [
      { topic: existing, numPartitions: 5 },
      { topic: missing, numPartitions: 3 },
    ]);

    expect(partitions.get(existing)).toHaveLength(2);
    expect(partitions.get(missing)).toHaveLength(3);
  });
});
