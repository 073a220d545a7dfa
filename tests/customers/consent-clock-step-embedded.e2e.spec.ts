import { randomUUID } from 'node:crypto';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { waitUntilCaughtUp } from '../support/admin-client';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';
import { SettableClock } from '../support/settable-clock';

/**
 * What a touchpoint tells counts from its occurredAt but never after its arrival: a host clock that
 * NTP steps back must not date a later withdrawal before a grant taken just before the step.
 */
describe("consent when the platform's clock steps back (embedded)", () => {
  const clock = new SettableClock(new Date('2026-12-01T10:01:00Z'));
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { CDP_RFM_EVERY_MINUTES: '0', CDP_LOYALTY_EXPIRY_EVERY_SECONDS: '0' }, clock);
  });
  afterAll(() => platform?.close());

  const told = (occurredAt: string, status: string) => ({
    eventId: randomUUID(),
    type: 'profile_update',
    source: 'club-signup',
    occurredAt,
    identifiers: { email: 'nima@example.com' },
    consent: { email: status },
    payload: {},
  });

  it('keeps a withdrawal received after an hour-long step back ahead of the grant received before it', async () => {
    expect((await platform.post('/v1/touchpoints', told('2026-12-01T10:00:00Z', 'granted'))).status).toBe(202);
    clock.set('2026-12-01T09:31:00Z');
    expect((await platform.post('/v1/touchpoints', told('2026-12-01T10:30:00Z', 'denied'))).status).toBe(202);
    await waitUntilCaughtUp(platform.url);
    const profile = (await platform.get('/v1/customers?identifier=email:nima@example.com')).body;
    expect(profile.consent.email).toMatchObject({ status: 'denied' });
  });
});
