import { Kafka, logLevel } from 'kafkajs';
import { testClickHouseUrl } from '@cdp/clickhouse/testing';
import { scratchDatabase } from '@cdp/sql/testing';

/**
 * A fresh Postgres database, Kafka namespace (topics, consumer groups) and ClickHouse database for
 * one servers-mode test, so tests share the servers of infra/local without seeing each other's data.
 */
export async function isolatedServers(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const database = await scratchDatabase();
  const { name } = database;
  const namespace = name.replace(/_/g, '-');
  return {
    env: { DATABASE_URL: database.url, CDP_KAFKA_NAMESPACE: namespace, CLICKHOUSE_URL: `${testClickHouseUrl()}/${name}` },
    async drop() {
      await deleteTopics(`${namespace}.`);
      await fetch(testClickHouseUrl(), { method: 'POST', body: `DROP DATABASE IF EXISTS ${name}` });
      await database.drop();
    },
  };
}

async function deleteTopics(prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'test-cleanup', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
