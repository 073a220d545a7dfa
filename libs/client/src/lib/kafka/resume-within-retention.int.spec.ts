import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { resumeWithinRetention } from './resume-within-retention';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

describe('resumeWithinRetention (real Kafka)', () => {
  const kafka = new Kafka({ clientId: 'client-retention-test', brokers, logLevel: logLevel.NOTHING });
  const topic = `cdp-test.client-retention.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, n) => ({ partition: 0, value: `change ${n}` })) });
    await producer.send({ topic, messages: [{ partition: 1, value: 'change' }] });
    await producer.disconnect();
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('moves a group whose committed offset the retention passed to the oldest change held, says where, and leaves the others', async () => {
    const groupId = `client-retention-${randomUUID().slice(0, 8)}`;
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '0' }] });
    // What the topic's retention does to the changes of a week ago.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '6' }] });

    expect(await resumeWithinRetention(kafka, topic, groupId)).toEqual(['partition 0, offsets 2 to 5']);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed.partitions.map(({ partition, offset }) => [partition, offset]).sort()).toEqual([[0, '6'], [1, '0']]);
    expect(await resumeWithinRetention(kafka, topic, groupId)).toEqual([]);
  });

  it('says so, and joins all the same, where the group has a running member whose offsets Kafka will not move', async () => {
    const groupId = `client-retention-busy-${randomUUID().slice(0, 8)}`;
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
    // Another instance of the service, on another topic of the group, so that it leaves this topic's offsets alone.
    const other = `${topic}.other`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: other, numPartitions: 1 }] });
    const member = kafka.consumer({ groupId });
    const joined = new Promise((resolve) => member.on(member.events.GROUP_JOIN, resolve));
    await member.connect();
    await member.subscribe({ topic: other });
    await member.run({ eachMessage: async () => undefined });
    try {
      await joined;
      // Partition 0 starts at offset 6 since the first test.
      expect(await resumeWithinRetention(kafka, topic, groupId)).toEqual([expect.stringMatching(/^partition 0, offsets 1 to 5 \(not moved: .*running instances/)]);
    } finally {
      await member.disconnect();
      await admin.deleteTopics({ topics: [other] }).catch(() => undefined);
    }
  }, 60_000);

  it('leaves a group that never committed to the subscription\'s from', async () => {
    expect(await resumeWithinRetention(kafka, topic, `client-retention-new-${randomUUID().slice(0, 8)}`)).toEqual([]);
  });
});
