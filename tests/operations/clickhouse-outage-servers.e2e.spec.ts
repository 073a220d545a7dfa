import { ApiModule } from '@cdp/api-app';
import { touchpointExamples } from '@cdp/events';
import { IngestModule } from '@cdp/ingest-app';
import { ProjectorModule } from '@cdp/projector-app';
import { eventually } from '../support/eventually';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';
import { tcpProxy } from '../support/tcp-proxy';

describe('while ClickHouse is away (servers mode)', () => {
  let servers: Awaited<ReturnType<typeof isolatedServers>>;
  let platform: PlatformUnderTest | undefined;
  afterAll(async () => {
    await platform?.close();
    await servers?.drop();
  });
  afterEach(async () => {
    await platform?.close();
    platform = undefined;
  });

  beforeAll(async () => {
    servers = await isolatedServers();
  });

  it('POST /v1/admin/sql answers 503 ANALYTICS.UNAVAILABLE, an outage, not 400 as if the query were wrong; a wrong query is still 400', async () => {
    const clickhouse = new URL(servers.env.CLICKHOUSE_URL);
    const proxy = await tcpProxy(clickhouse);
    platform = await startPlatformUnderTest('servers', [ApiModule], { ...servers.env, CLICKHOUSE_URL: `http://127.0.0.1:${proxy.port}${clickhouse.pathname}` });
    expect(await platform.post('/v1/admin/sql', { query: 'SELECT 1 AS one' })).toMatchObject({ status: 200, body: { rows: [{ one: 1 }] } });
    expect(await platform.post('/v1/admin/sql', { query: 'SELEC 1' })).toMatchObject({ status: 400, body: { error: 'ANALYTICS.QUERY_REFUSED' } });

    await proxy.cut();
    expect(await platform.post('/v1/admin/sql', { query: 'SELECT 1 AS one' })).toMatchObject({
      status: 503,
      body: { error: 'ANALYTICS.UNAVAILABLE', message: expect.stringMatching(/^ClickHouse did not answer \(.*ECONNREFUSED/) },
    });
  }, 120_000);

  it('a projector says on /metrics, with nothing to project, that copying the identity map fails, and that it works again', async () => {
    const clickhouse = new URL(servers.env.CLICKHOUSE_URL);
    const proxy = await tcpProxy(clickhouse);
    try {
      platform = await startPlatformUnderTest('servers', [IngestModule, ProjectorModule], { ...servers.env, CLICKHOUSE_URL: `http://127.0.0.1:${proxy.port}${clickhouse.pathname}` });
      const failing = async () => /^cdp_identity_map_copy_failing (\d)$/m.exec((await platform!.get('/metrics')).body)?.[1];
      // One customer, copied: from then on each copy asks ClickHouse how far it got.
      expect((await platform.post('/v1/touchpoints', touchpointExamples.visit)).status).toBe(202);
      const copied = async () => Number(await (await fetch(clickhouse.origin, { method: 'POST', body: `SELECT count() FROM ${clickhouse.pathname.slice(1)}.identity_map WHERE key != ''` })).text());
      await eventually(async () => ((await copied()) > 0 ? true : undefined), 'the customer copied to ClickHouse', 60_000);
      expect(await failing()).toBe('0');
      await proxy.cut();
      await eventually(async () => ((await failing()) === '1' ? true : undefined), 'the copy to fail');
      await proxy.restore();
      await eventually(async () => ((await failing()) === '0' ? true : undefined), 'the copy to work again');
    } finally {
      await proxy.close();
    }
  }, 120_000);
});
