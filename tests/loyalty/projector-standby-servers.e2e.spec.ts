import { Client } from 'pg';
import { generateDemoTouchpoints } from '@cdp/demo-data';
import { postAll, projectionStatus, waitUntilLoyaltySettled } from '../support/admin-client';
import { eventually } from '../support/eventually';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformProcess, type PlatformProcess } from '../support/platform-process';

/** The projections that follow the Postgres event store or the feed's log, whose subscriptions no process shares. */
const ONE_AT_A_TIME = ['loyalty', 'customer_feed_kafka'];

describe('two platform processes in servers mode (Kafka + Postgres)', () => {
  it('run the event store and feed projections in one process, the other standing by, which takes one over by a rebuild and both after kill -9', async () => {
    const started = Date.now();
    const mark = (what: string) => console.log(`standby: ${what} after ${Date.now() - started} ms`);
    const servers = await isolatedServers();
    // The killed process's Kafka partitions go to the survivor 6 s after its last heartbeat, not 30. No expiry round:
    // on the real clock the first one expires many of the generated lots, and landing between the settling and the
    // count below, it would add account events the read model has not taken in yet.
    const env = { ...servers.env, CDP_MODE: 'servers', CDP_KAFKA_SESSION_TIMEOUT_SECONDS: '6', CDP_LOYALTY_EXPIRY_EVERY_SECONDS: '0' };
    const db = new Client({ connectionString: servers.env.DATABASE_URL });
    const processes: PlatformProcess[] = [];
    const statesOf = async (process: PlatformProcess) => Promise.all(ONE_AT_A_TIME.map(async (name) => (await projectionStatus(process.url, name)).state));
    try {
      await db.connect();
      const bodies = [...generateDemoTouchpoints({ customers: 200, seed: 'projector-standby', end: '2026-11-01T00:00:00Z' })];
      // One at a time into the list, so the finally stops the first even when the second does not start.
      for (let i = 0; i < 2; i++) processes.push(await startPlatformProcess(env));
      expect(await postAll(processes[0].url, bodies.slice(0, 1_000))).toBe(1_000);
      await waitUntilLoyaltySettled(processes[0].url, db);
      mark('settled');

      const states = await Promise.all(processes.map(statesOf));
      const owner = states.findIndex((s) => s.every((state) => state === 'running'));
      expect(owner).toBeGreaterThanOrEqual(0);
      expect(states[1 - owner]).toEqual(['standby', 'standby']);
      const { rows: owners } = await db.query(`SELECT projection, owner FROM projections.owners ORDER BY projection`);
      expect(owners).toEqual(ONE_AT_A_TIME.sort().map((projection) => ({ projection, owner: expect.stringContaining(`:${processes[owner].child.pid}:`) })));
      // Either process names the one that runs it.
      for (const process of processes) expect((await projectionStatus(process.url, 'loyalty')).owner).toBe(owners[0].owner);
      expect((await projectionStatus(processes[0].url, 'customers')).owner).toBeNull();

      // A rebuild served by the standby process takes the projection over at its swap.
      const standby = processes[1 - owner];
      const { rebuildId } = (await (await fetch(`${standby.url}/v1/admin/projections/loyalty/rebuilds`, { method: 'POST' })).json()) as { rebuildId: string };
      await eventually(async () => {
        const job = (await (await fetch(`${standby.url}/v1/admin/projections/loyalty/rebuilds/${rebuildId}`)).json()) as { state: string; error?: string };
        if (job.state === 'failed') throw new Error(`the rebuild failed: ${job.error}`);
        return job.state === 'done' ? true : undefined;
      }, 'the rebuild of loyalty to finish', 120_000);
      mark('rebuilt on the standby process');
      expect((await projectionStatus(standby.url, 'loyalty')).state).toBe('running');
      await eventually(async () => ((await projectionStatus(processes[owner].url, 'loyalty')).state === 'standby' ? true : undefined), 'the former owner to stand by', 120_000);
      const { rows: [loyaltyOwner] } = await db.query(`SELECT owner FROM projections.owners WHERE projection = 'loyalty'`);
      expect(loyaltyOwner.owner).toContain(`:${standby.child.pid}:`);

      // The process that runs loyalty now is killed; the other takes both projections.
      await standby.kill9();
      mark('owner killed');
      const survivor = processes[owner];
      expect(await postAll(survivor.url, bodies.slice(1_000, 2_000))).toBe(1_000);
      await eventually(async () => ((await statesOf(survivor)).every((state) => state === 'running') ? true : undefined), 'the survivor to take the projections over', 120_000);
      mark('taken over');
      await waitUntilLoyaltySettled(survivor.url, db);
      mark('settled again');

      // The read model holds every account event of the event store, each once.
      const { rows: [counts] } = await db.query(
        `SELECT (SELECT count(*)::int FROM loyalty.ledger) AS ledger,
                (SELECT count(*)::int FROM event_log.events WHERE stream_id LIKE 'loyalty-%') AS events`,
      );
      expect(counts.ledger).toBe(counts.events);
      expect(counts.events).toBeGreaterThan(0);
    } finally {
      await Promise.allSettled(processes.map((process) => process.stop()));
      await db.end().catch(() => undefined);
      await servers.drop();
    }
  }, 300_000);
});
