import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { testClickHouseUrl } from '@cdp/clickhouse/testing';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

/** An operator's ClickHouse lost its database while the platform ran (servers mode). */
describe('an RFM run when ClickHouse has lost the analytics database', () => {
  let servers: Awaited<ReturnType<typeof isolatedServers>>;
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    servers = await isolatedServers();
    platform = await startPlatformUnderTest('servers', PLATFORM_FEATURES, servers.env);
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    await servers?.drop();
  });

  it('answers 503 with what to do, where it answered a bare 500', async () => {
    const database = new URL(servers.env.CLICKHOUSE_URL).pathname.slice(1);
    await fetch(testClickHouseUrl(), { method: 'POST', body: `DROP DATABASE ${database}` });

    const { status, body } = await platform.post('/v1/segments/rfm/runs', { asOf: '2026-11-20T00:00:00Z', windowDays: 365 });

    expect(status).toBe(503);
    expect(body).toEqual({ error: 'RFM.ANALYTICS_UNAVAILABLE', message: expect.stringMatching(/^the analytics store refused the RFM run \(ClickHouse refused ".*Database .* doesn't exist.*\), so nothing was recorded\. `cdp projections status`/s) });
  }, 120_000);
});
