import { ApiModule } from '@cdp/api-app';
import { releaseVersion } from '@cdp/platform-runtime';
import { ProjectorModule } from '@cdp/projector-app';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest } from '../support/platform-under-test';

/**
 * Each app of servers mode alone, as docs/operations.md deploys them: probes and the cdp CLI ask any of them GET /health,
 * and each says on /metrics which release it runs, so that a rolling upgrade shows which processes are done.
 */
describe('every process of servers mode serves /health and its release on /metrics', () => {
  let servers: Awaited<ReturnType<typeof isolatedServers>>;
  beforeAll(async () => {
    servers = await isolatedServers();
  });
  afterAll(() => servers?.drop());

  it.each([
    ['apps/projector', ProjectorModule],
    ['apps/api', ApiModule],
  ])('%s says whether the touchpoint log answers', async (_app, feature) => {
    const process = await startPlatformUnderTest('servers', [feature], servers.env);
    try {
      expect(await process.get('/health')).toMatchObject({ status: 200, body: { status: 'ok', info: { touchpointLog: { status: 'up' } } } });
      expect((await process.get('/metrics')).body).toContain(`\ncdp_build_info{version="${releaseVersion()}"} 1\n`);
    } finally {
      await process.close();
    }
  });
});
