import { createServer, connect, type Server, type Socket } from 'node:net';
import { ApiModule } from '@cdp/api-app';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

/** A TCP proxy to ClickHouse that the test can take away, as an outage does. */
async function proxyTo(target: URL): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('POST /v1/admin/sql while ClickHouse is away (servers mode)', () => {
  let servers: Awaited<ReturnType<typeof isolatedServers>>;
  let platform: PlatformUnderTest | undefined;
  afterAll(async () => {
    await platform?.close();
    await servers?.drop();
  });

  it('answers 503 ANALYTICS.UNAVAILABLE, an outage, not 400 as if the query were wrong; a wrong query is still 400', async () => {
    servers = await isolatedServers();
    const clickhouse = new URL(servers.env.CLICKHOUSE_URL);
    const proxy = await proxyTo(clickhouse);
    platform = await startPlatformUnderTest('servers', [ApiModule], { ...servers.env, CLICKHOUSE_URL: `http://127.0.0.1:${proxy.port}${clickhouse.pathname}` });
    expect(await platform.post('/v1/admin/sql', { query: 'SELECT 1 AS one' })).toMatchObject({ status: 200, body: { rows: [{ one: 1 }] } });
    expect(await platform.post('/v1/admin/sql', { query: 'SELEC 1' })).toMatchObject({ status: 400, body: { error: 'ANALYTICS.QUERY_REFUSED' } });

    await proxy.cut();
    expect(await platform.post('/v1/admin/sql', { query: 'SELECT 1 AS one' })).toMatchObject({
      status: 503,
      body: { error: 'ANALYTICS.UNAVAILABLE', message: expect.stringMatching(/^ClickHouse did not answer \(.*ECONNREFUSED/) },
    });
  }, 120_000);
});
