import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import type { RecordedEvent } from '@cdp/event-log';
import type { CustomerChange } from '@cdp/feed';
import { TopicSettingsError } from '@cdp/event-log-kafka';
import { RetryBatchLaterError } from '@cdp/projections';
import { customerFeedKafkaProjection } from './customer-feed-kafka.projection';
import { customerFeedTopics } from './customer-feed-topics';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** A change of one customer at this version; the codec below gives its state this many bytes. */
function change(version: number): RecordedEvent {
  const data = { eventId: randomUUID(), type: 'ProfileChanged', customerId: 'cus_one', version, state: { version } } as unknown as CustomerChange;
  return { eventId: data.eventId, type: data.type, data, metadata: {}, streamId: 'feed', streamPosition: version, position: String(version), partition: 'all', offset: `1:${version}`, recordedAt: '2026-11-23T08:00:00.000Z' };
}
const STATE_BYTES = 2_000;

describe('the feed published to Kafka', () => {
  const kafka = new Kafka({ clientId: 'feed-kafka-test', brokers, logLevel: logLevel.NOTHING });
  const topics = customerFeedTopics(`cdp-test.${randomUUID().slice(0, 8)}`, 1);
  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.events, topics.profiles] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('refuses to open on a profiles topic that existed without compaction, where a new subscriber would miss the customers quiet for longer than its retention', async () => {
    const deleting = customerFeedTopics(`cdp-test.${randomUUID().slice(0, 8)}`, 1);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: deleting.profiles, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }] });
      const codec = { encodeState: () => Buffer.from('s'), encodeChange: () => Buffer.from('c') };
      const opening = customerFeedKafkaProjection({ kafka, topics: deleting, codec }).open(undefined as never, 'customer_feed_kafka');
      await expect(opening).rejects.toThrow(TopicSettingsError);
      await expect(opening).rejects.toThrow(`Kafka topic ${deleting.profiles} has cleanup.policy=delete where the platform needs compact: a subscriber reading the topic from its start gets every customer's latest state`);
    } finally {
      await admin.deleteTopics({ topics: [deleting.profiles, deleting.events] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('waits, retrying with the setting to mend, while the profiles topic is set to delete as the feed runs, and publishes again once it is compacted', async () => {
    const watched = customerFeedTopics(`cdp-test.${randomUUID().slice(0, 8)}`, 1);
    const codec = { encodeState: () => Buffer.from('s'), encodeChange: () => Buffer.from('c') };
    const handler = await customerFeedKafkaProjection({ kafka, topics: watched, codec, settingsCheckMs: 0 }).open(undefined as never, 'customer_feed_kafka');
    const admin = kafka.admin();
    await admin.connect();
    const setPolicy = (value: string) => admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: watched.profiles, configEntries: [{ name: 'cleanup.policy', value }] }] });
    const published = async () => Number((await admin.fetchTopicOffsets(watched.profiles))[0].high);
    try {
      await handler.apply(undefined as never, [change(1)], { resumed: false });
      await setPolicy('delete');
      const refused = handler.apply(undefined as never, [change(2)], { resumed: true });
      await expect(refused).rejects.toThrow(RetryBatchLaterError);
      await expect(refused).rejects.toThrow(`the feed is not published: Kafka topic ${watched.profiles} has cleanup.policy=delete where the platform needs compact`);
      await expect(refused).rejects.toThrow(`--add-config cleanup.policy=compact), and the feed is published again.`);
      expect(await published()).toBe(1);
      await setPolicy('compact');
      await handler.apply(undefined as never, [change(2)], { resumed: true });
      expect(await published()).toBe(2);
    } finally {
      await handler.close?.();
      await admin.deleteTopics({ topics: [watched.profiles, watched.events] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 60_000);

  it("publishes a batch of one customer's changes over Kafka's 1 MiB limit on a record batch, in order", async () => {
    const codec = { encodeState: () => Buffer.alloc(STATE_BYTES, 's'), encodeChange: (c: CustomerChange) => Buffer.from(String(c.version)) };
    const handler = await customerFeedKafkaProjection({ kafka, topics, codec }).open(undefined as never, 'customer_feed_kafka');
    const events = Array.from({ length: 1_500 }, (_, n) => change(n + 1));
    try {
      await handler.apply(undefined as never, events, { resumed: false });
    } finally {
      await handler.close?.();
    }

    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchTopicOffsets(topics.profiles);
    await admin.disconnect();
    expect(Number(offsets.high)).toBe(1_500);
    const consumer = kafka.consumer({ groupId: `feed-kafka-test-${randomUUID()}`, maxBytesPerPartition: 10 * 1024 * 1024 });
    const versions: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: topics.events, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          versions.push(Number(message.value!.toString()));
          if (versions.length === 1_500) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(versions).toEqual(events.map((_, n) => n + 1));
  }, 60_000);

  it("publishes a state of several MiB, over the broker's default limit of 1 MiB, and a consumer asking for 1 MiB at a time reads it", async () => {
    const large = 3 * 1024 * 1024;
    const codec = { encodeState: () => Buffer.alloc(large, 's'), encodeChange: (c: CustomerChange) => Buffer.from(String(c.version)) };
    const handler = await customerFeedKafkaProjection({ kafka, topics, codec }).open(undefined as never, 'customer_feed_kafka');
    try {
      await handler.apply(undefined as never, [change(1)], { resumed: false });
    } finally {
      await handler.close?.();
    }
    const consumer = kafka.consumer({ groupId: `feed-kafka-test-${randomUUID()}`, maxBytesPerPartition: 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.profiles, fromBeginning: true });
    const sizes = await new Promise<number[]>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => (message.value!.length === large ? resolve([message.value!.length]) : undefined) });
    });
    await consumer.disconnect();
    expect(sizes).toEqual([large]);
  }, 60_000);

  it("fails a batch holding a state over Kafka's message limit for the runtime to set aside, naming the customer, where the feed retried it for ever", async () => {
    const codec = { encodeState: (state: CustomerChange['state']) => Buffer.alloc((state as unknown as { version: number }).version === 2 ? 9_000_000 : STATE_BYTES, 's'), encodeChange: (c: CustomerChange) => Buffer.from(String(c.version)) };
    const handler = await customerFeedKafkaProjection({ kafka, topics, codec }).open(undefined as never, 'customer_feed_kafka');
    try {
      const failure = await handler.apply(undefined as never, [change(1), change(2), change(3)], { resumed: false }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(RetryBatchLaterError);
      expect((failure as Error).message).toMatch(/^Kafka refused customer cus_one's change as too large: its message is 9,000,000 bytes, over the feed topics' max.message.bytes/);
      // Without it, the batch goes.
      await handler.apply(undefined as never, [change(1), change(3)], { resumed: true });
    } finally {
      await handler.close?.();
    }
  }, 60_000);

  it('creates the profiles topic compacted within the hour, and the events topic keeping a week, both taking messages of 8 MiB', async () => {
    const handler = await customerFeedKafkaProjection({ kafka, topics, codec: { encodeState: () => Buffer.from('s'), encodeChange: () => Buffer.from('c') } }).open(undefined as never, 'customer_feed_kafka');
    await handler.close?.();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [topics.profiles, topics.events].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'segment.ms', 'max.compaction.lag.ms', 'retention.ms', 'max.message.bytes'] })),
      });
      const configs = Object.fromEntries(resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((c) => [c.configName, c.configValue]))]));
      expect(configs).toEqual({
        [topics.profiles]: expect.objectContaining({ 'cleanup.policy': 'compact', 'segment.ms': '3600000', 'max.compaction.lag.ms': '3600000', 'max.message.bytes': '8388608' }),
        [topics.events]: expect.objectContaining({ 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'max.message.bytes': '8388608' }),
      });
    } finally {
      await admin.disconnect();
    }
  }, 60_000);
});
