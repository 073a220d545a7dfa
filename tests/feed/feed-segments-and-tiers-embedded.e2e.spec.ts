import { subscribeCustomers, type CustomerChange, type CustomerSubscription } from '@cdp/client';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { CLUB_PROGRAM_ENV } from '../loyalty/loyalty-journeys';
import { eventually } from '../support/eventually';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';
import { SettableClock } from '../support/settable-clock';

describe('the change feed follows RFM runs and the passing of time (embedded)', () => {
  const clock = new SettableClock(new Date('2026-11-23T00:00:00.000Z'));
  const changes: CustomerChange[] = [];
  let platform: PlatformUnderTest;
  let subscription: CustomerSubscription;
  const next = (type: CustomerChange['type']) => eventually(async () => changes.find((c) => c.type === type), `a ${type} (have ${changes.map((c) => c.type).join(', ')})`);

  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { ...CLUB_PROGRAM_ENV, CDP_RFM_EVERY_MINUTES: '0' }, clock);
    subscription = subscribeCustomers({ transport: { sse: { baseUrl: platform.url } }, from: 'start' }, (change) => void changes.push(change));
  });

  afterAll(async () => {
    await subscription?.close();
    await platform?.close();
  });

  it('announces a tier reached by a purchase, a segment from an RFM run, and the tier lost when the purchase leaves the window', async () => {
    // First a call (which earns no bonus in the club program), so that the feed holds the customer as a member before any point is earned.
    const call = { type: 'call', source: 'call-centre', occurredAt: '2026-11-19T10:00:00Z', identifiers: { email: 'sara@example.com' }, payload: { direction: 'inbound', durationSec: 60, outcome: 'resolved' } };
    expect((await platform.post('/v1/touchpoints', call)).status).toBe(202);
    const created = await next('CustomerCreated');
    expect(created.state).toMatchObject({ loyalty: { tier: 'member', available: 0 } });
    const customerId = created.customerId;

    const purchase = {
      type: 'purchase',
      source: 'pos-store-12',
      occurredAt: '2026-11-20T10:00:00Z',
      identifiers: { email: 'sara@example.com' },
      payload: { orderId: 'o-1', amount: '1200000', currency: 'IRR', items: [] },
    };
    expect((await platform.post('/v1/touchpoints', purchase)).status).toBe(202);
    // 1,200,000 IRR in the 365-day window reaches silver (from 1,000,000) in the club program.
    expect(await next('LoyaltyTierChanged')).toMatchObject({ customerId, tier: { from: 'member', to: 'silver' }, state: { loyalty: { tier: 'silver', available: 120_000 } } });

    expect((await platform.post('/v1/segments/rfm/runs', { asOf: '2026-11-23T00:00:00Z', windowDays: 365 })).status).toBe(200);
    expect(await next('CustomerSegmentChanged')).toMatchObject({ customerId, segment: { from: null, to: expect.any(String) } });

    const beforeYear = changes.length;
    clock.set('2027-11-21T00:00:00.000Z');
    const dropped = await eventually(async () => changes.slice(beforeYear).find((c) => c.type === 'LoyaltyTierChanged'), 'the tier to drop');
    expect(dropped).toMatchObject({ customerId, tier: { from: 'silver', to: 'member' }, state: { loyalty: { tier: 'member', available: 0 } } });
    expect(changes.map((c) => c.version)).toEqual(changes.map((_, i) => i + 1));
  });
});
