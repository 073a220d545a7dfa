import { Client } from 'pg';
import { generateDemoTouchpoints } from '@cdp/demo-data';
import { postAll, projectionStatus, rebuildAndWait, waitUntilCaughtUp, waitUntilLoyaltySettled } from '../support/admin-client';
import { snapshotCustomerTables } from '../support/customer-tables-snapshot';
import { eventually } from '../support/eventually';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformProcess } from '../support/platform-process';

/**
 * Kafka interleaves partitions differently on every read, and a customer re-keyed by a late,
 * earlier touchpoint gets a different chain of merges depending on that order. Everything else
 * (who belongs to whom, every counter, trait and sum) must be equal; the merge history
 * (mergedFrom, version) is a record of the order things happened in.
 */
function withoutMergeHistory(tables: Record<string, unknown[]>) {
  const profiles = (tables.profiles as { profile: Record<string, unknown> }[]).map((row) => {
    const { mergedFrom: _history, version: _applied, ...content } = row.profile;
    return { ...row, profile: content };
  });
  return { ...tables, profiles };
}

describe('the projector survives kill -9 in the middle of its work (Kafka + Postgres)', () => {
  it('after a restart, every row equals a from-scratch rebuild, and every purchase earned loyalty points exactly once', async () => {
    const started = Date.now();
    const mark = (what: string) => console.log(`${what} after ${Date.now() - started} ms`);
    const servers = await isolatedServers();
    const env = { ...servers.env, CDP_MODE: 'servers' };
    const db = new Client({ connectionString: servers.env.DATABASE_URL });
    try {
      const bodies = [...generateDemoTouchpoints({ customers: 800, seed: 'projector-crash', end: '2026-11-01T00:00:00Z' })].slice(0, 6_000);
      const first = await startPlatformProcess(env);
      let atKill: Awaited<ReturnType<typeof projectionStatus>>;
      try {
        expect(await postAll(first.url, bodies)).toBe(bodies.length);
        atKill = await eventually(async () => {
          const status = await projectionStatus(first.url);
          return status.processed > 0 ? status : undefined;
        }, 'the projector to start');
      } finally {
        // Whatever failed above, no platform process is left behind.
        await first.kill9();
      }
      mark('killed');
      expect(atKill.lag).toBeGreaterThan(0);

      const second = await startPlatformProcess(env);
      try {
        const caughtUp = await waitUntilCaughtUp(second.url);
        mark('caught up');
        expect(caughtUp.deadLetters).toBe(0);
        await db.connect();
        const live = await snapshotCustomerTables(db);
        expect(live.touchpoints).toHaveLength(bodies.length);

        await rebuildAndWait(second.url);
        mark('rebuilt');
        expect(withoutMergeHistory(await snapshotCustomerTables(db))).toEqual(withoutMergeHistory(live));

        // Loyalty: every purchase earned exactly once, none lost and none twice, whatever the crash cut.
        await waitUntilLoyaltySettled(second.url, db);
        const purchases = bodies.filter((b: any) => b.type === 'purchase' && b.payload.currency === 'IRR').length;
        const { rows: [earned] } = await db.query(
          `SELECT count(*)::int AS events, count(DISTINCT data->>'lotId')::int AS lots FROM event_log.events WHERE event_type = 'PointsEarned'`,
        );
        expect(earned).toEqual({ events: purchases, lots: purchases });
      } finally {
        await second.stop();
      }
    } finally {
      await db.end().catch(() => undefined);
      await servers.drop();
    }
  }, 300_000);
});
