import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createCdpClient } from '@cdp/client';
import type { EventLog } from '@cdp/event-log';
import { loadLoyaltyAccount, LoyaltyQueries } from '@cdp/loyalty-accounts';
import { EVENT_STORE } from '@cdp/platform-runtime';
import { LoyaltyExpiryService } from '@cdp/projector-app';
import { eventually } from '../support/eventually';
import type { PlatformUnderTest } from '../support/platform-under-test';
import { SettableClock } from '../support/settable-clock';

/** The seed's club: 0.1 point per rial, so a 300,000 order credits 30,000; a visit earns 50. Expiry runs only when a test asks. */
export const CLUB_PROGRAM_ENV = { CDP_LOYALTY_PROGRAM: join(__dirname, 'club-program.json'), CDP_LOYALTY_EXPIRY_EVERY_SECONDS: '0' };
const NOW = '2026-11-23T12:00:00.000Z';

const purchase = (identifiers: object, orderId: string, amount: string, occurredAt: string) => ({
  eventId: randomUUID(), type: 'purchase', source: 'pos-store-12', occurredAt, identifiers, payload: { orderId, amount, currency: 'IRR', channel: 'store' },
});
const refund = (identifiers: object, orderId: string, amount: string, occurredAt: string) => ({
  eventId: randomUUID(), type: 'refund', source: 'pos-store-12', occurredAt, identifiers, payload: { orderId, amount, currency: 'IRR' },
});
const email = () => `club.${randomUUID().slice(0, 8)}@example.com`;

export function describeLoyaltyJourneys(mode: string, start: (clock: SettableClock) => Promise<PlatformUnderTest>): void {
  describe(`loyalty accounts (${mode})`, () => {
    const clock = new SettableClock(new Date(NOW));
    let platform: PlatformUnderTest;
    beforeAll(async () => {
      platform = await start(clock);
    });
    afterAll(() => platform?.close());
    afterEach(() => clock.set(NOW));

    const post = async (...touchpoints: object[]) => expect((await platform.post('/v1/touchpoints', { touchpoints })).status).toBe(202);
    const customerOf = (key: string) =>
      eventually(async () => {
        const { status, body } = await platform.get(`/v1/customers?identifier=${encodeURIComponent(key)}`);
        return status === 200 ? (body.customerId as string) : undefined;
      }, `the customer with ${key}`);
    const balanceWhen = (customerId: string, ready: (balance: any) => boolean, what: string) =>
      eventually(async () => {
        const { status, body } = await platform.get(`/v1/customers/${customerId}/loyalty`);
        return status === 200 && ready(body) ? body : undefined;
      }, what, 60_000);
    const redeem = (customerId: string, body: object) => platform.post(`/v1/customers/${customerId}/loyalty/redemptions`, body);

    it("credits 30,000 for a 300,000 order at 0.1 point per rial, redeems it once per key, refuses an overdraft, and claws back a refund below zero", async () => {
      const address = email();
      const order = purchase({ email: address }, `o-${randomUUID().slice(0, 6)}`, '300000', '2026-06-01T10:00:00Z');
      await post(order);
      const customerId = await customerOf(`email:${address}`);

      const earned = await balanceWhen(customerId, (b) => b.available === 30_000, 'the 30,000 points to be credited');
      expect(earned).toMatchObject({ customerId, currency: 'IRR', tier: { name: 'member', qualifyingSpend: '300000' }, lifetime: { earned: 30_000, redeemed: 0 } });
      expect(earned.tier.next).toMatchObject({ name: 'silver' });
      expect((await platform.get(`/v1/customers/${customerId}`)).body.loyalty).toEqual({ available: 30_000, tier: 'member' });

      const first = await redeem(customerId, { points: 20_000, idempotencyKey: 'receipt-1', reason: 'dinner for two' });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ customerId, points: 20_000, reason: 'dinner for two', lots: [{ lotId: order.eventId, points: 20_000 }] });
      const again = await redeem(customerId, { points: 20_000, idempotencyKey: 'receipt-1', reason: 'dinner for two' });
      expect(again).toEqual(first);

      const overdraft = await redeem(customerId, { points: 20_000, idempotencyKey: 'receipt-2' });
      expect(overdraft.status).toBe(409);
      expect(overdraft.body).toMatchObject({ error: 'LOYALTY.INSUFFICIENT_POINTS', available: 10_000, requested: 20_000 });
      expect((await redeem(customerId, { points: 0, idempotencyKey: 'receipt-3' })).status).toBe(400);
      expect((await redeem(customerId, { points: '10', idempotencyKey: 'receipt-3' })).body).toMatchObject({ error: 'LOYALTY.INVALID_REDEMPTION', errors: [{ field: 'points' }] });
      expect((await redeem(customerId, { points: 5, idempotencyKey: 'receipt-1' })).status).toBe(422);
      expect((await redeem(`cus_${randomUUID().replace(/-/g, '')}`, { points: 5, idempotencyKey: 'k' })).status).toBe(404);

      await post(refund({ email: address }, order.payload.orderId, '300000', '2026-06-03T10:00:00Z'));
      const clawedBack = await balanceWhen(customerId, (b) => b.lifetime.clawedBack === 30_000, 'the refund to claw the points back');
      expect(clawedBack.available).toBe(-20_000);

      const { body: ledger } = await platform.get(`/v1/customers/${customerId}/loyalty/ledger`);
      expect(ledger.entries.map((e: any) => [e.type, e.points])).toEqual([
        ['PointsClawedBack', -30_000],
        ['RefundRecorded', 0],
        ['PointsRedeemed', -20_000],
        ['PointsEarned', 30_000],
      ]);
      expect(ledger.entries.find((e: any) => e.type === 'PointsRedeemed').cause).toBe('receipt-1');
      expect(ledger.entries.find((e: any) => e.type === 'PointsEarned').cause).toBe(order.eventId);
    });

    it('merges two accounts, lots included, when a touchpoint joins their customers', async () => {
      const [address, card] = [email(), `card-${randomUUID().slice(0, 8)}`];
      await post(purchase({ email: address }, 'm-1', '100000', '2026-03-01T10:00:00Z'), purchase({ loyaltyCard: card }, 'm-2', '200000', '2026-04-01T10:00:00Z'));
      const [a, b] = [await customerOf(`email:${address}`), await customerOf(`loyaltyCard:${card}`)];
      expect(a).not.toBe(b);
      await balanceWhen(b, (balance) => balance.available === 20_000, 'the second account to be credited');

      await post({ eventId: randomUUID(), type: 'visit', source: 'web', occurredAt: '2026-05-01T10:00:00Z', identifiers: { email: address, loyaltyCard: card }, payload: { channel: 'web' } });
      const merged = await balanceWhen(b, (balance) => balance.customerId === a && balance.available === 30_050, 'the accounts to merge into the earliest customer');
      expect(merged.lifetime.earned).toBe(30_050);
      const { body: ledger } = await platform.get(`/v1/customers/${a}/loyalty/ledger`);
      expect(ledger.entries.reduce((sum: number, e: any) => sum + e.points, 0)).toBe(30_050);
      expect(ledger.entries.map((e: any) => e.type)).toEqual(expect.arrayContaining(['LoyaltyAccountMerged', 'LoyaltyAccountAbsorbed', 'PointsEarned']));
      // Nothing the rules refused: operators would see it here and on /metrics.
      expect((await platform.get('/v1/admin/loyalty/failed-commands')).body).toEqual({ failedCommands: [] });
      expect((await platform.get('/metrics')).body).toMatch(/^cdp_loyalty_failed_commands\{projection="loyalty"\} 0$/m);
      // Everything committed has been sent on: each outbox drains once its batch is sent.
      await eventually(async () => {
        const metrics: string = (await platform.get('/metrics')).body;
        const pending = ['customers', 'loyalty_earning', 'loyalty'].map((projection) => new RegExp(`^cdp_projection_outbox_pending\\{projection="${projection}"\\} 0$`, 'm').test(metrics));
        return pending.every(Boolean) || undefined;
      }, 'every outbox to be empty on /metrics');
    });

    it('expires what is left of a lot at its expiry instant, by the clock the scheduler is given', async () => {
      const address = email();
      await post(purchase({ email: address }, 'e-1', '50000', '2025-12-01T00:00:00Z'));
      const customerId = await customerOf(`email:${address}`);
      const soon = await balanceWhen(customerId, (b) => b.available === 5_000, 'the points to be credited');
      expect(soon.expiringSoon).toMatchObject({ points: 5_000, lots: [{ points: 5_000, expiresAt: '2026-12-01T00:00:00.000Z' }] });
      expect((await redeem(customerId, { points: 1_000, idempotencyKey: 'before-expiry' })).status).toBe(201);

      await balanceWhen(customerId, (b) => b.lifetime.redeemed === 1_000, 'the read model to see the redemption');
      clock.set('2026-11-30T23:59:59.999Z');
      await platform.app.get(LoyaltyExpiryService).expireNow();
      expect((await platform.get(`/v1/customers/${customerId}/loyalty`)).body).toMatchObject({ available: 4_000, lifetime: { expired: 0 } });

      clock.set('2026-12-01T00:00:00.000Z');
      expect((await redeem(customerId, { points: 1, idempotencyKey: 'at-expiry' })).body).toMatchObject({ error: 'LOYALTY.INSUFFICIENT_POINTS', available: 0 });
      await platform.app.get(LoyaltyExpiryService).expireNow();
      const expired = await balanceWhen(customerId, (b) => b.lifetime.expired === 4_000, 'the lot to expire');
      expect(expired).toMatchObject({ available: 0, lifetime: { earned: 5_000, redeemed: 1_000, expired: 4_000 } });
    });

    it('accepts no more of 50 concurrent redemptions than the balance covers, and the streams replay to the same ledger', async () => {
      const address = email();
      await post(purchase({ email: address }, 'c-1', '100000', '2026-09-01T10:00:00Z'));
      const customerId = await customerOf(`email:${address}`);
      await balanceWhen(customerId, (b) => b.available === 10_000, 'the 10,000 points to be credited');

      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => redeem(customerId, { points: 300, idempotencyKey: `race-${i}`, reason: 'race' })));
      const statuses = answers.map((a) => a.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const accepted = answers.filter((a) => a.status === 201);
      expect(accepted.length * 300).toBeLessThanOrEqual(10_000);
      expect(accepted).toHaveLength(33);
      for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body.available).toBeGreaterThanOrEqual(0);

      const settled = await balanceWhen(customerId, (b) => b.lifetime.redeemed === 9_900, 'the read model to see every redemption');
      expect(settled.available).toBe(100);
      const replayed = await loadLoyaltyAccount(platform.app.get<EventLog>(EVENT_STORE), customerId);
      const live = await platform.app.get(LoyaltyQueries).account(customerId);
      expect(replayed.state).toEqual(live);
      const { body: ledger } = await platform.get(`/v1/customers/${customerId}/loyalty/ledger?limit=1000`);
      expect(ledger.entries).toHaveLength(1 + 33);
      expect(ledger.entries.reduce((sum: number, e: any) => sum + e.points, 0)).toBe(100);
      expect(ledger.next).toBeNull();

      // The same ledger, 5 entries a page, through the client: each entry once, in the same order.
      const client = createCdpClient({ baseUrl: platform.url });
      const pages: string[][] = [];
      for (let before: string | null = null; pages.length < 8 && (pages.length === 0 || before !== null); ) {
        const page = await client.loyaltyLedger(customerId, { limit: 5, before: before ?? undefined });
        pages.push(page.entries.map((e) => e.eventId));
        before = page.next;
      }
      expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 5, 5, 4]);
      expect(pages.flat()).toEqual(ledger.entries.map((e: any) => e.eventId));
    });
  });
}
