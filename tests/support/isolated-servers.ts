import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { testClickHouseUrl } from '@cdp/clickhouse/testing';
import { testDatabaseUrl } from '@cdp/sql/testing';

/**
 * A fresh Postgres database, Kafka namespace (topics, consumer groups) and ClickHouse database for
 * one servers-mode test, so tests share the servers of infra/local without seeing each other's data.
 */
export async function isolatedServers(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const name = `cdp_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  const namespace = name.replace(/_/g, '-');
  return {
    env: { DATABASE_URL: url.toString(), CDP_KAFKA_NAMESPACE: namespace, CLICKHOUSE_URL: `${testClickHouseUrl()}/${name}` },
    async drop() {
      await deleteTopics(`${namespace}.`);
      await fetch(testClickHouseUrl(), { method: 'POST', body: `DROP DATABASE IF EXISTS ${name}` });
      const client = new Client({ connectionString: testDatabaseUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
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
