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
    const purchase = {
      type: 'purchase',
      source: 'pos-store-12',
      occurredAt: '2026-11-20T10:00:00Z',
      identifiers: { email: 'sara@example.com' },
      payload: { orderId: 'o-1', amount: '1200000', currency: 'IRR', items: [] },
    };
    expect((await platform.post('/v1/touchpoints', purchase)).status).toBe(202);
    // 1,200,000 IRR in the 365-day window reaches silver (from 1,000,000) in the club program. The points come by
    // another way than the profile: if they are there before the feed first sees the customer, it is created silver
    // and there is no tier change to announce; otherwise it is created a member and a LoyaltyTierChanged follows.
    const silver = await eventually(async () => changes.find((c) => c.state?.loyalty?.tier === 'silver'), 'the customer to show as silver');
    expect(silver.state).toMatchObject({ loyalty: { tier: 'silver', available: 120_000 } });
    const customerId = changes[0].customerId;
    expect(changes[0].type).toBe('CustomerCreated');
    if (changes[0].state!.loyalty!.tier === 'silver') {
      expect(changes.filter((c) => c.type === 'LoyaltyTierChanged')).toEqual([]);
    } else {
      expect(changes[0].state).toMatchObject({ loyalty: { tier: 'member', available: 0 } });
      expect(await next('LoyaltyTierChanged')).toMatchObject({ customerId, tier: { from: 'member', to: 'silver' }, state: { loyalty: { tier: 'silver', available: 120_000 } } });
    }

    expect((await platform.post('/v1/segments/rfm/runs', { asOf: '2026-11-23T00:00:00Z', windowDays: 365 })).status).toBe(200);
    expect(await next('CustomerSegmentChanged')).toMatchObject({ customerId, segment: { from: null, to: expect.any(String) } });

    const beforeYear = changes.length;
    clock.set('2027-11-21T00:00:00.000Z');
    const dropped = await eventually(async () => changes.slice(beforeYear).find((c) => c.type === 'LoyaltyTierChanged'), 'the tier to drop');
    expect(dropped).toMatchObject({ customerId, tier: { from: 'silver', to: 'member' }, state: { loyalty: { tier: 'member', available: 0 } } });
    expect(changes.map((c) => c.version)).toEqual(changes.map((_, i) => i + 1));
  });
});
