import { Client } from 'pg';
import { ApiModule } from '@cdp/api-app';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest } from '../support/platform-under-test';

/**
 * Two deployments on shared servers are kept apart by their settings alone: one pointed by mistake
 * at another's Postgres or ClickHouse database would mix their customers, and a rebuild by one would
 * delete the other's profiles. The stores say whose they are, and a start refuses another's.
 */
describe("a deployment started on another deployment's stores (servers mode)", () => {
  let first: Awaited<ReturnType<typeof isolatedServers>>;
  let second: Awaited<ReturnType<typeof isolatedServers>>;
  beforeAll(async () => {
    [first, second] = await Promise.all([isolatedServers(), isolatedServers()]);
    const owner = await startPlatformUnderTest('servers', [ApiModule], first.env);
    await owner.close();
  });
  afterAll(async () => {
    await first?.drop();
    await second?.drop();
  });

  it("refuses the other's Postgres database, naming both namespaces", async () => {
    await expect(startPlatformUnderTest('servers', [ApiModule], { ...second.env, DATABASE_URL: first.env.DATABASE_URL })).rejects.toThrow(
      `belongs to the deployment of CDP_KAFKA_NAMESPACE=${first.env.CDP_KAFKA_NAMESPACE}, and this process runs ${second.env.CDP_KAFKA_NAMESPACE}`,
    );
  });

  it("refuses the other's ClickHouse database", async () => {
    await expect(startPlatformUnderTest('servers', [ApiModule], { ...second.env, CLICKHOUSE_URL: first.env.CLICKHOUSE_URL })).rejects.toThrow(
      `(CLICKHOUSE_URL) belongs to the deployment of CDP_KAFKA_NAMESPACE=${first.env.CDP_KAFKA_NAMESPACE}: two deployments in one ClickHouse database mix`,
    );
  });

  it('starts again on its own stores, and on a Postgres database made anew (lost, or restored from before the record), taking the id ClickHouse holds', async () => {
    const again = await startPlatformUnderTest('servers', [ApiModule], first.env);
    expect((await again.get('/health')).status).toBe(200);
    await again.close();

    const database = new URL(first.env.DATABASE_URL).pathname.slice(1);
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    const anew = await startPlatformUnderTest('servers', [ApiModule], first.env);
    expect((await anew.get('/health')).status).toBe(200);
    await anew.close();
    // And the other deployment is still refused the ClickHouse database.
    await expect(startPlatformUnderTest('servers', [ApiModule], { ...second.env, CLICKHOUSE_URL: first.env.CLICKHOUSE_URL })).rejects.toThrow('belongs to the deployment of');
  });
});
