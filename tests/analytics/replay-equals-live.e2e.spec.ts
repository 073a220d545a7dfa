import { ANALYTICS_PROJECTION, IdentityMapSync, analyticsProjection, migrateAnalyticsTables, runRfmQuery } from '@cdp/analytics';
import { openChdbClient, type ClickHouseClient } from '@cdp/clickhouse';
import { generateDemoTouchpoints } from '@cdp/demo-data';
import type { EventLog } from '@cdp/event-log';
import type { SchemaCatalog } from '@cdp/events';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { ANALYTICS, SCHEMA_CATALOG, SQL, TOUCHPOINT_LOG } from '@cdp/platform-runtime';
import { readCheckpoint, runProjection } from '@cdp/projections';
import { DEFAULT_RFM_GRID } from '@cdp/rfm';
import type { SqlClient } from '@cdp/sql';
import { join } from 'node:path';
import { postAll, waitUntilCaughtUp } from '../support/admin-client';
import { eventually } from '../support/eventually';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

/** What docs/analytics.md documents, each in a deterministic order. */
const DOCUMENTED_QUERIES = [
  'SELECT * FROM touchpoints_daily ORDER BY day, type, channel',
  'SELECT * FROM revenue_daily ORDER BY day, currency',
  'SELECT * FROM customer_summary ORDER BY customer_id',
  'SELECT * FROM customer_revenue ORDER BY customer_id, currency',
  'SELECT * FROM identity_current ORDER BY key',
  'SELECT event_id, customer_id FROM touchpoints_resolved ORDER BY event_id',
  'SELECT event_id, customer_id, amount FROM purchases_resolved ORDER BY event_id',
  'SELECT event_id, customer_id, amount FROM refunds_resolved ORDER BY event_id',
];

const RFM = { asOf: '2026-11-01T00:00:00Z', windowDays: 365, currency: 'IRR', grid: DEFAULT_RFM_GRID } as const;

describe('the analytics tables replayed into a fresh ClickHouse equal the live ones (embedded: chDB)', () => {
  let platform: PlatformUnderTest;
  let replay: ClickHouseClient | undefined;
  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES);
  });
  afterAll(async () => {
    await replay?.close();
    await platform?.close();
  });

  it('answers every documented query and RFM the same, and a redelivery double-counts nothing', async () => {
    const bodies = [...generateDemoTouchpoints({ customers: 600, seed: 'analytics-replay', end: '2026-11-01T00:00:00Z' })].slice(0, 4_000);
    expect(await postAll(platform.url, bodies)).toBe(bodies.length);
    await waitUntilCaughtUp(platform.url);
    await waitUntilCaughtUp(platform.url, 120_000, ANALYTICS_PROJECTION);
    const sql = platform.app.get<SqlClient>(SQL);
    const live = platform.app.get<ClickHouseClient>(ANALYTICS);
    await IdentityMapSync.open(sql, live).then((sync) => sync.syncNow());
    const answers = async (client: ClickHouseClient): Promise<Record<string, Record<string, unknown>[]>> => {
      await runRfmQuery(client, { runId: `${client.database}-run`, ...RFM });
      const rfm = await client.query(`SELECT customer_id, recency_days, frequency, monetary, r, f, m, segment FROM rfm_snapshots WHERE run_id = '${client.database}-run' ORDER BY customer_id`);
      return { rfm, ...Object.fromEntries(await Promise.all(DOCUMENTED_QUERIES.map(async (q) => [q, await client.query(q)] as const))) };
    };
    const liveAnswers = await answers(live);
    expect((await live.query<{ n: string }>('SELECT count() AS n FROM touchpoints'))[0].n).toBe(String(bodies.length));
    expect(liveAnswers.rfm.length).toBeGreaterThan(100);
    const identity = liveAnswers['SELECT * FROM identity_current ORDER BY key'];
    expect(new Set(identity.map((r) => r.customer_id)).size).toBeLessThan(identity.length); // customers with several identifiers
    expect(identity.map((r) => r.key)).not.toContain(''); // the copy's mark is no key

    // A redelivery of everything (as after a crash between the ClickHouse insert and the checkpoint) adds nothing.
    const log = platform.app.get<EventLog>(TOUCHPOINT_LOG);
    const handler = await analyticsProjection({ catalog: platform.app.get<SchemaCatalog>(SCHEMA_CATALOG), clickhouse: live }).open(sql, ANALYTICS_PROJECTION);
    const redelivery = await runProjection({ name: 'analytics-redelivery', handler, log, sql, maxBatchSize: 1000 });
    const replayed = await runIntoFreshDatabase(sql, log, platform);
    await caughtUp(sql, 'analytics-redelivery', ANALYTICS_PROJECTION);
    await redelivery.close();
    expect(await answers(live).then(({ rfm: _rfm, ...rest }) => rest)).toEqual((({ rfm: _rfm, ...rest }) => rest)(liveAnswers));

    replay = replayed;
    expect(await answers(replay)).toEqual(liveAnswers);
  });
});

/** A second chDB database in the platform's folder, filled by replaying the whole log through the sink. */
async function runIntoFreshDatabase(sql: SqlClient, log: EventLog, platform: PlatformUnderTest): Promise<ClickHouseClient> {
  const replay = await openChdbClient({ dir: join(platform.settings.dataDir, 'ch'), database: 'cdp_replay' });
  await migrateAnalyticsTables(replay);
  const handler = await analyticsProjection({ catalog: platform.app.get<SchemaCatalog>(SCHEMA_CATALOG), clickhouse: replay }).open(sql, ANALYTICS_PROJECTION);
  const runner = await runProjection({ name: 'analytics-replay', handler, log, sql, maxBatchSize: 1000 });
  await caughtUp(sql, 'analytics-replay', ANALYTICS_PROJECTION);
  await runner.close();
  await IdentityMapSync.open(sql, replay).then((sync) => sync.syncNow());
  return replay;
}

async function caughtUp(sql: SqlClient, name: string, like: string): Promise<void> {
  const target = (await readCheckpoint(sql, like)).processed;
  await eventually(async () => ((await readCheckpoint(sql, name)).processed >= target ? true : undefined), `${name} to replay the log`, 120_000);
}
