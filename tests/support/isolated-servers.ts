import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseUrl } from '@cdp/sql/testing';

/**
 * A fresh Postgres database and Kafka namespace (topics, consumer groups) for one servers-mode
 * test, so tests share the servers of infra/local without seeing each other's data.
 */
export async function isolatedServers(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const name = `cdp_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), CDP_KAFKA_NAMESPACE: name.replace(/_/g, '-') },
    async drop() {
      const client = new Client({ connectionString: testDatabaseUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
