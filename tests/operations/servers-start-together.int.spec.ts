import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { openStores, readSettings, type Stores } from '@cdp/platform-runtime';
import { testClickHouseUrl } from '@cdp/clickhouse/testing';
import { eventually } from '../support/eventually';
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

  it('purges the accepted-ids index as it starts, and warns when Postgres runs without autovacuum', async () => {
    const settings = readSettings({ ...servers.env, CDP_MODE: 'servers' });
    const first = await openStores(settings);
    const index = 'kafka_event_log.accepted_event_ids';
    const old = randomUUID();
    await first.sql.query(
      `INSERT INTO ${index} (event_id, stream_id, stream_position, claim_id, claimed_at, confirmed_at) VALUES ($1, 'purchase-x', 0, $2, now() - interval '8 days', now() - interval '8 days')`,
      [old, randomUUID()],
    );
    const [{ autovacuum }] = (await first.sql.query<{ autovacuum: string }>(`SELECT current_setting('autovacuum') AS autovacuum`)).rows;
    await first.close();

    const warn = jest.spyOn(Logger.prototype, 'warn');
    const restarted = await openStores(settings);
    try {
      // A process restarted more often than hourly purged nothing before.
      await eventually(async () => ((await restarted.sql.query(`SELECT 1 FROM ${index} WHERE event_id = $1`, [old])).rows.length === 0 ? true : undefined), 'the old id to be purged');
      const warned = warn.mock.calls.some(([message]) => String(message).startsWith('autovacuum is off on this Postgres server'));
      expect(warned).toBe(autovacuum !== 'on');
    } finally {
      warn.mockRestore();
      await restarted.close();
    }
  }, 120_000);
});
