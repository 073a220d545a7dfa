import { Client } from 'pg';
import { ApiModule } from '@cdp/api-app';
import { releaseVersion } from '@cdp/platform-runtime';
import { ProjectorModule } from '@cdp/projector-app';
import { eventually } from '../support/eventually';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest } from '../support/platform-under-test';
import { testDatabaseUrl } from '@cdp/sql/testing';

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
  ])('%s says whether the touchpoint log and the database answer', async (_app, feature) => {
    const process = await startPlatformUnderTest('servers', [feature], servers.env);
    try {
      expect(await process.get('/health')).toMatchObject({ status: 200, body: { status: 'ok', info: { touchpointLog: { status: 'up' }, database: { status: 'up' } } } });
      expect((await process.get('/metrics')).body).toContain(`\ncdp_build_info{version="${releaseVersion()}"} 1\n`);
    } finally {
      await process.close();
    }
  });

  /** The deployment's database refusing connections, and taking them again, as an outage of Postgres does. */
  async function databaseOutage() {
    const database = new URL(servers.env.DATABASE_URL).pathname.slice(1);
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    const allow = async () => void (await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`));
    return {
      async begin() {
        await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
        // Waits (up to 5 s each) for the backends to be gone.
        await admin.query('SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1', [database]);
      },
      end: allow,
      async close() {
        await allow();
        await admin.end();
      },
    };
  }

  it("answers /metrics on the projector while the database refuses connections, without the series it cannot count, so that alerts see the outage", async () => {
    const process = await startPlatformUnderTest('servers', [ProjectorModule], servers.env);
    const outage = await databaseOutage();
    try {
      expect((await process.get('/metrics')).body).toMatch(/\ncdp_projection_dead_letters\{projection="customers"\} 0\n/);
      await outage.begin();
      const scrape = await process.get('/metrics');
      expect(scrape.status).toBe(200);
      expect(scrape.body).toContain(`\ncdp_build_info{version="${releaseVersion()}"} 1\n`);
      expect(scrape.body).not.toMatch(/\ncdp_projection_dead_letters\{/);
      expect(scrape.body).not.toMatch(/\ncdp_loyalty_failed_commands\{/);
      // The projections that follow a Postgres log (the event store's) retry reading it, and say so.
      const retrying = async (projection: string) => ((await process.get('/metrics')).body as string).includes(`\ncdp_projection_retrying{projection="${projection}"} 1\n`);
      await eventually(async () => ((await retrying('loyalty')) ? true : undefined), 'loyalty to retry while the database is away');
      await outage.end();
      await eventually(async () => (/\ncdp_projection_dead_letters\{projection="customers"\} 0\n/.test((await process.get('/metrics')).body) ? true : undefined), 'the dead letters counted again');
      // With nothing to project, no batch says the trouble is over: the log reading again does.
      await eventually(async () => (/\ncdp_projection_retrying\{projection="[^"]+"\} 1\n/.test((await process.get('/metrics')).body) ? undefined : true), 'every projection to stop retrying');
    } finally {
      await outage.close();
      await process.close();
    }
  });

  it('answers 503, naming the database, while the database refuses connections, and 200 once it takes them again', async () => {
    const process = await startPlatformUnderTest('servers', [ApiModule], servers.env);
    const outage = await databaseOutage();
    try {
      await outage.begin();
      // The touchpoint log is down with it in servers mode: appending to Kafka goes through the accepted ids' index, kept there.
      const refused = { status: 'down', reason: expect.stringContaining('not currently accepting connections') };
      const healthWith = (status: number) =>
        eventually(async () => {
          const answer = await process.get('/health');
          return answer.status === status ? answer : undefined;
        }, `GET /health to answer ${status}`);
      expect(await healthWith(503)).toMatchObject({
        status: 503,
        body: { status: 'error', error: { database: refused, touchpointLog: refused } },
      });
      await outage.end();
      expect(await healthWith(200)).toMatchObject({ body: { status: 'ok', info: { database: { status: 'up' } } } });
    } finally {
      await outage.close();
      await process.close();
    }
  });
});
