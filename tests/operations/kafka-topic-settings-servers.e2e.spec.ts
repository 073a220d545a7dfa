import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { openStores, readSettings } from '@cdp/platform-runtime';
import { eventually } from '../support/eventually';
import { isolatedServers } from '../support/isolated-servers';

const WEEK_MS = String(7 * 24 * 60 * 60 * 1000);

/** The touchpoint log in Kafka is the source of truth: a start refuses its topic made beforehand with a retention that would delete touchpoints. */
describe('servers mode and a touchpoint log topic that existed before the platform', () => {
  let servers: Awaited<ReturnType<typeof isolatedServers>>;
  const admin = new Kafka({ clientId: 'test-topic-settings', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING }).admin();
  beforeAll(async () => {
    servers = await isolatedServers();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await servers?.drop();
  });

  it('refuses it kept a week, naming the topic and the command that mends it, and starts once it is mended', async () => {
    const topic = `${servers.env.CDP_KAFKA_NAMESPACE}.touchpoints.v1`;
    // As a cluster's defaults, or an operator's script, make it.
    await admin.createTopics({ topics: [{ topic, numPartitions: 6, configEntries: [{ name: 'retention.ms', value: WEEK_MS }] }] });
    const settings = readSettings({ ...servers.env, CDP_MODE: 'servers' });

    await expect(openStores(settings)).rejects.toThrow(
      `Kafka topic ${topic} has retention.ms=${WEEK_MS} where the platform needs -1: the log is the source of truth that rebuilds read from its start, and Kafka would delete older touchpoints. ` +
        `Set it (kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name ${topic} --add-config retention.ms=-1), then start again.`,
    );

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '-1' }] }] });
    // The broker applies a changed setting a moment later.
    const stores = await eventually(() => openStores(settings).catch(() => undefined), 'a start once the topic keeps everything', 20_000);
    await stores.close();
  }, 60_000);
});
