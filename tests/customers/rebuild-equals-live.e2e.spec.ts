import { generateDemoTouchpoints } from '@cdp/demo-data';
import { SQL } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { postAll, rebuildAndWait, waitUntilCaughtUp } from '../support/admin-client';
import { snapshotCustomerTables } from '../support/customer-tables-snapshot';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

describe('a rebuilt customer projection equals the live one (embedded)', () => {
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES);
  });
  afterAll(() => platform?.close());

  it('projects 10,000 generated touchpoints live, rebuilds, and finds every row equal', async () => {
    const bodies = [...generateDemoTouchpoints({ customers: 1500, seed: 'rebuild-equals-live', end: '2026-11-01T00:00:00Z' })].slice(0, 10_000);
    expect(bodies).toHaveLength(10_000);
    expect(await postAll(platform.url, bodies)).toBe(10_000);
    await waitUntilCaughtUp(platform.url);
    const db = platform.app.get<SqlClient>(SQL);
    const live = await snapshotCustomerTables(db);
    expect(live.touchpoints).toHaveLength(10_000);
    expect(live.profiles.some((p: any) => p.profile.mergedFrom.length > 0)).toBe(true);

    // Asked twice at once (a command run again after Ctrl-C), the platform runs one rebuild and names it to both.
    const asked = await Promise.all([1, 2].map(async () => (await fetch(`${platform.url}/v1/admin/projections/customers/rebuilds`, { method: 'POST' })).json() as Promise<{ rebuildId: string; alreadyRunning: boolean }>));
    expect(asked[1].rebuildId).toBe(asked[0].rebuildId);
    expect(asked.map((answer) => answer.alreadyRunning).sort()).toEqual([false, true]);
    const rebuilt = await rebuildAndWait(platform.url);

    expect(rebuilt.processed).toBeGreaterThanOrEqual(10_000);
    expect(await snapshotCustomerTables(db)).toEqual(live);

    expect(await (await fetch(`${platform.url}/v1/admin/dead-letters`)).json()).toEqual({ deadLetters: [] });
    const retry = await platform.post('/v1/admin/dead-letters/retries', { all: true });
    expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: { retried: 0, stillFailing: 0 } });
    // In one PGlite, the change feed's builder shares the connection with the projections it follows.
  }, 180_000);
});
