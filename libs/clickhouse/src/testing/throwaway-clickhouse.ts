import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '../lib/clickhouse-client.port';
import { openChdbClient } from '../lib/chdb-client';
import { createClickHouseServerClient } from '../lib/clickhouse-server-client';
import { sqlIdentifier } from '../lib/clickhouse-literal';

/** The ClickHouse server integration tests use: CLICKHOUSE_URL, or the one infra/local runs. */
export function testClickHouseUrl(): string {
  return process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
}

/** A client of a new database `cdp_test_<random>` on the test server, dropped on close. */
export async function openThrowawayServerClient(): Promise<ClickHouseClient> {
  const client = await createClickHouseServerClient({ url: testClickHouseUrl(), database: `cdp_test_${randomUUID().slice(0, 8)}` });
  const close = async () => {
    await client.command(`DROP DATABASE IF EXISTS ${sqlIdentifier(client.database)}`);
    await client.close();
  };
  return { ...client, close };
}

/**
 * A client of chDB in a new temporary folder, deleted on close. chDB binds one folder per process,
 * so a test file opens one at a time (jest runs each file in its own worker, or after the previous one).
 */
export async function openThrowawayChdbClient(): Promise<ClickHouseClient> {
  const dir = await mkdtemp(join(tmpdir(), 'cdp-chdb-test-'));
  const client = await openChdbClient({ dir, database: 'cdp_test' });
  const close = async () => {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { ...client, close };
}

/** Both engines every analytics statement must run on, for `describe.each`: the 18.16 server of infra/local and chDB. */
export const THROWAWAY_CLICKHOUSE_ENGINES = [
  ['the ClickHouse server', openThrowawayServerClient],
  ['chDB', openThrowawayChdbClient],
] as const;
