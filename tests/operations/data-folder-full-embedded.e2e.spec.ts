import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { projectionStatus } from '../support/admin-client';
import { eventually } from '../support/eventually';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

const MiB = 1024 * 1024;

/**
 * Embedded mode on a disk that fills: PGlite without room for its next WAL file hangs the whole
 * process, so the platform stops short of that. The disk's free space is what statfs says, set here.
 */
describe("the embedded data folder's disk nearly full", () => {
  let platform: PlatformUnderTest;
  let free = 10_000 * MiB;
  const realStatfs = fs.statfsSync;
  beforeAll(async () => {
    jest.spyOn(fs, 'statfsSync').mockImplementation(((path: fs.PathLike, options?: fs.StatFsOptions) => {
      const stats = realStatfs(path, options as never) as fs.StatsFs;
      return String(path).startsWith(platform?.settings.dataDir ?? '\0') ? { ...stats, bavail: Math.floor(free / stats.bsize) } : stats;
    }) as typeof fs.statfsSync);
    // Nothing on a timer reads the free space meanwhile: the one answer set for a single read below must reach ingestion.
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { CDP_RFM_EVERY_MINUTES: '0', CDP_TABLE_MAINTENANCE_EVERY_SECONDS: '0', CDP_LOYALTY_EXPIRY_EVERY_SECONDS: '0' });
  });
  afterAll(async () => {
    await platform?.close();
    jest.restoreAllMocks();
  });

  const visit = (email: string) => ({ eventId: randomUUID(), type: 'visit', source: 'web', occurredAt: '2026-12-01T10:00:00Z', identifiers: { email }, payload: { channel: 'web' } });
  const profileOf = async (email: string) => (await platform.get(`/v1/customers?identifier=email:${email}`)).status;

  it('refuses touchpoints, redemptions and RFM runs under 64 MiB free, 503 with when to retry; /health says so; the projections wait under 32 MiB; all goes on once there is room', async () => {
    expect((await platform.post('/v1/touchpoints', visit('before@example.com'))).status).toBe(202);
    await eventually(async () => ((await profileOf('before@example.com')) === 200 ? true : undefined), 'the first customer');

    free = 50 * MiB;
    const refused = await platform.post('/v1/touchpoints', visit('refused@example.com'));
    expect(refused).toMatchObject({ status: 503, body: { error: 'DATABASE.DISK_FULL', message: expect.stringMatching(/^the platform's disk is nearly full/) } });
    expect((await platform.get('/health')).body).toMatchObject({ status: 'error', error: { dataFolder: { status: 'down', reason: expect.stringContaining('has 50 MiB free') } } });
    // The other writes of the API too: a redemption, an RFM run.
    const before = (await platform.get('/v1/customers?identifier=email:before@example.com')).body.customerId;
    expect(await platform.post(`/v1/customers/${before}/loyalty/redemptions`, { points: 1, idempotencyKey: 'k-1' })).toMatchObject({ status: 503, body: { error: 'DATABASE.DISK_FULL' } });
    expect(await platform.post('/v1/segments/rfm/runs', {})).toMatchObject({ status: 503, body: { error: 'DATABASE.DISK_FULL' } });

    // A touchpoint taken while there was room is projected under 64 MiB, and waits under 32 MiB.
    free = 10_000 * MiB;
    const taken = visit('taken@example.com');
    free = 20 * MiB;
    // Ingestion checks before appending: with 20 MiB it would refuse, so this one goes in while the check passes.
    const spy = fs.statfsSync as jest.Mock;
    spy.mockImplementationOnce(((path: fs.PathLike) => ({ ...realStatfs(path), bavail: Number.MAX_SAFE_INTEGER })) as never);
    expect((await platform.post('/v1/touchpoints', taken)).status).toBe(202);
    const waiting = await eventually(async () => {
      const status = await projectionStatus(platform.url, 'customers');
      return status.state === 'retrying' ? status : undefined;
    }, 'customers to wait for room');
    expect(waiting.reason).toMatch(/has 20 MiB free, under the 32 MiB the platform keeps/);
    expect(await profileOf('taken@example.com')).toBe(404);

    free = 10_000 * MiB;
    await eventually(async () => ((await profileOf('taken@example.com')) === 200 ? true : undefined), 'the waiting touchpoint projected once there is room');
    expect((await platform.post('/v1/touchpoints', visit('after@example.com'))).status).toBe(202);
    expect((await platform.get('/health')).status).toBe(200);
    expect(await profileOf('refused@example.com')).toBe(404);
  }, 120_000);
});
