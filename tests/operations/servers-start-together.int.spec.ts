import { openStores, readSettings, type Stores } from '@cdp/platform-runtime';
import { testClickHouseUrl } from '@cdp/clickhouse/testing';
import { isolatedServers } from '../support/isolated-servers';

/** Servers mode's processes (ingest, projectors, API) started at the same moment on a new deployment. */
describe('servers mode, processes starting together', () => {
  let servers: Awaited<ReturnType<typeof isolatedServers>>;
  beforeAll(async () => {
    servers = await isolatedServers();
  });
  afterAll(() => servers?.drop());

  it('apply each analytics migration once, and every process starts', async () => {
    const settings = readSettings({ ...servers.env, CDP_MODE: 'servers' });
    const opened = await Promise.allSettled([openStores(settings), openStores(settings), openStores(settings)]);
    await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? (o.value as Stores).close() : undefined)));

    expect(opened.map((o) => (o.status === 'rejected' ? String(o.reason) : o.status))).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const response = await fetch(testClickHouseUrl(), { method: 'POST', body: `SELECT count() AS applied, uniqExact(id) AS migrations FROM ${settings.clickhouseDatabase}.schema_migrations FORMAT JSONEachRow` });
    const { applied, migrations } = JSON.parse(await response.text()) as { applied: string; migrations: string };
    expect(Number(migrations)).toBeGreaterThan(5);
    expect(applied).toBe(migrations);
  }, 120_000);
});
