import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { createTopicsAndWait, TopicSettingsError } from './create-topics';

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

  it('refuses a topic that existed with another value of a setting the platform relies on, naming the topic, the values and the command that mends it, and takes it once mended', async () => {
    const log = `${prefix}.log`;
    const week = String(7 * 24 * 60 * 60 * 1000);
    await admin.createTopics({ topics: [{ topic: log, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: week }] }] });
    const platformTopic = {
      topic: log,
      numPartitions: 1,
      configEntries: [
        { name: 'retention.ms', value: '-1' },
        { name: 'segment.ms', value: '3600000' },
      ],
      guarantees: { 'retention.ms': 'rebuilds read the log from its start' },
    };

    const refused = await createTopicsAndWait(admin, [platformTopic]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TopicSettingsError);
    expect((refused as Error).message).toBe(
      `Kafka topic ${log} has retention.ms=${week} where the platform needs -1: rebuilds read the log from its start. ` +
        `Set it (kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name ${log} --add-config retention.ms=-1), then start again.`,
    );
    // A setting without a guarantee (segment.ms) is the operator's to choose.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: log, configEntries: [{ name: 'retention.ms', value: '-1' }] }] });
    // The broker applies a changed setting a moment later.
    for (const deadline = Date.now() + 20_000; ; ) {
      const taken = await createTopicsAndWait(admin, [platformTopic]).catch((error: unknown) => error);
      if (taken instanceof Map || Date.now() > deadline) return expect(taken).toBeInstanceOf(Map);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
