import { randomUUID } from 'node:crypto';
import { createCdpClient } from '@cdp/client';
import { rebuildAndWait, waitUntilCaughtUp } from '../support/admin-client';
import { eventually } from '../support/eventually';
import type { PlatformUnderTest } from '../support/platform-under-test';

/** The three touchpoints of the issue: whichever arrives first, one profile holds them all. */
function sarasTouchpoints() {
  const suffix = randomUUID().slice(0, 8);
  const email = `sara.${suffix}@example.com`;
  const phone = `+98912${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  return {
    email,
    phone,
    touchpoints: [
      {
        eventId: randomUUID(), type: 'purchase', source: 'pos-store-12', occurredAt: '2026-11-20T10:15:00Z',
        identifiers: { email: email.toUpperCase() },
        payload: { orderId: `o-${suffix}`, amount: '300000', currency: 'IRR', channel: 'store' },
      },
      {
        eventId: randomUUID(), type: 'call', source: 'call-centre', occurredAt: '2026-11-21T09:00:00Z',
        identifiers: { phone },
        payload: { direction: 'inbound', durationSec: 120, outcome: 'complaint' },
      },
      {
        eventId: randomUUID(), type: 'profile_update', source: 'club-signup', occurredAt: '2026-11-22T08:00:00Z',
        identifiers: { email, phone },
        traits: { firstName: 'Sara' },
        payload: { preferences: { sauce: 'no spicy sauce' }, importantDates: { passportExpiry: '2027-03-01' }, consent: { sms: 'granted' } },
      },
    ],
  };
}

const ORDERS = [
  [0, 1, 2],
  [2, 1, 0],
  [1, 2, 0],
];

export function describeUnifiedProfileJourneys(mode: string, start: () => Promise<PlatformUnderTest>): void {
  describe(`the unified customer profile (${mode})`, () => {
    let platform: PlatformUnderTest;
    beforeAll(async () => {
      platform = await start();
    });
    afterAll(() => platform?.close());

    it.each(ORDERS)('gathers a purchase, a call and a club sign-up into one profile, arriving in order %i,%i,%i', async (...order) => {
      const { email, phone, touchpoints } = sarasTouchpoints();
      for (const i of order) expect((await platform.post('/v1/touchpoints', touchpoints[i])).status).toBe(202);

      const profile = await eventually(async () => {
        const { status, body } = await platform.get(`/v1/customers?identifier=phone:${encodeURIComponent(phone)}`);
        return status === 200 && body.touchpoints === 3 ? body : undefined;
      }, 'the profile to hold all three touchpoints');

      expect(profile.identifiers).toMatchObject({ email: [email], phone: [phone] });
      expect(profile.preferences.sauce).toMatchObject({ value: 'no spicy sauce', source: 'club-signup' });
      expect(profile.importantDates.passportExpiry).toMatchObject({ date: '2027-03-01' });
      expect(profile.orders).toMatchObject({ count: 1, grossSpend: { IRR: '300000' } });
      expect(profile.complaints.open).toBe(1);
      expect(profile.firstSeenAt).toBe('2026-11-20T10:15:00.000Z');

      const byEmail = await platform.get(`/v1/customers?identifier=email:${email.toUpperCase()}`);
      expect(byEmail.body.customerId).toBe(profile.customerId);
      const timeline = await platform.get(`/v1/customers/${profile.customerId}/timeline?limit=2`);
      expect(timeline.body.touchpoints.map((t: { type: string }) => t.type)).toEqual(['profile_update', 'call']);
      expect(await platform.get(`/v1/customers/${profile.customerId}/timeline?limit=0`)).toMatchObject({
        status: 400,
        body: { error: 'HTTP.INVALID_REQUEST', errors: [{ path: 'limit', message: 'must be a whole number from 1 to 1,000' }] },
      });
      for (const merged of profile.mergedFrom) {
        const viaMerged = await platform.get(`/v1/customers/${merged}`);
        expect(viaMerged.body).toMatchObject({ customerId: profile.customerId, mergedInto: profile.customerId, requestedId: merged });
      }
      // The id a touchpoint that joined a customer would have given one it had started names nobody: a redemption there spent the points again.
      const neverCustomers = touchpoints.map((t) => `cus_${t.eventId.replace(/-/g, '')}`).filter((id) => id !== profile.customerId && !profile.mergedFrom.includes(id));
      for (const id of neverCustomers) {
        expect(await platform.get(`/v1/customers/${id}`)).toMatchObject({ status: 404, body: { error: 'CUSTOMER.NOT_FOUND' } });
        expect(await platform.post(`/v1/customers/${id}/loyalty/redemptions`, { points: 1, idempotencyKey: `k-${id}` })).toMatchObject({ status: 404, body: { error: 'CUSTOMER.NOT_FOUND' } });
      }
      // Embedded mode projects in the order posted; Kafka's partitions may take them in another.
      if (mode === 'embedded' && order.join() === '0,1,2') expect(neverCustomers).toHaveLength(1);
    });

    it('forgets a withdrawn preference and passport expiry, even when an older value arrives after the withdrawal; a rebuild gives the same profile', async () => {
      const email = `withdraws.${randomUUID().slice(0, 8)}@example.com`;
      const update = (occurredAt: string, payload: object) => ({ eventId: randomUUID(), type: 'profile_update', source: 'club-signup', occurredAt, identifiers: { email }, payload });
      const profileOnceItHolds = (touchpoints: number) =>
        eventually(async () => {
          const { status, body } = await platform.get(`/v1/customers?identifier=email:${email}`);
          return status === 200 && body.touchpoints === touchpoints ? body : undefined;
        }, `the profile to hold ${touchpoints} touchpoints`);

      const told = update('2026-11-22T08:00:00Z', { preferences: { sauce: 'no spicy sauce', table: 'window' }, importantDates: { passportExpiry: '2027-03-01', birthday: '1990-02-05' } });
      expect((await platform.post('/v1/touchpoints', told)).status).toBe(202);
      expect(Object.keys((await profileOnceItHolds(1)).preferences)).toEqual(['sauce', 'table']);

      const withdrawn = update('2026-11-24T08:00:00Z', { preferences: { sauce: null }, importantDates: { passportExpiry: null } });
      expect((await platform.post('/v1/touchpoints', withdrawn)).status).toBe(202);
      const afterWithdrawal = await profileOnceItHolds(2);
      expect(afterWithdrawal.preferences).toEqual({ table: expect.objectContaining({ value: 'window' }) });
      expect(afterWithdrawal.importantDates).toEqual({ birthday: expect.objectContaining({ date: '1990-02-05' }) });

      // Said before the withdrawal, by a source that sends late: it does not bring them back.
      const late = update('2026-11-23T08:00:00Z', { preferences: { sauce: 'extra spicy' }, importantDates: { passportExpiry: '2030-01-01' } });
      expect((await platform.post('/v1/touchpoints', late)).status).toBe(202);
      const live = await profileOnceItHolds(3);
      expect(Object.keys(live.preferences)).toEqual(['table']);
      expect(Object.keys(live.importantDates)).toEqual(['birthday']);
      expect((await platform.get(`/v1/customers/${live.customerId}`)).body).toEqual(live);

      await rebuildAndWait(platform.url);
      await waitUntilCaughtUp(platform.url);
      expect((await platform.get(`/v1/customers/${live.customerId}`)).body).toEqual(live);
    });

    it('never merges two customer ids: the conflict is listed for operators and each keeps its own profile', async () => {
      const shared = `shared.${randomUUID().slice(0, 8)}@example.com`;
      const visit = (customerId: string, occurredAt: string) => ({
        eventId: randomUUID(), type: 'visit', source: 'web', occurredAt, identifiers: { customerId, email: shared }, payload: { channel: 'web' },
      });
      const [first, second] = [`c-${randomUUID().slice(0, 6)}`, `c-${randomUUID().slice(0, 6)}`];
      expect((await platform.post('/v1/touchpoints', { touchpoints: [visit(first, '2026-11-01T10:00:00Z'), visit(second, '2026-11-02T10:00:00Z')] })).status).toBe(202);

      const conflict = await eventually(async () => {
        const { body } = await platform.get('/v1/admin/identity-conflicts');
        return body.conflicts.find((c: { identifier: string }) => c.identifier === `email:${shared}`);
      }, 'the conflict to be listed');
      expect(conflict).toMatchObject({ reason: 'IDENTITY.DIFFERENT_CUSTOMER_IDS' });
      const [a, b] = await Promise.all([first, second].map((id) => platform.get(`/v1/customers?identifier=customerId:${id}`)));
      expect(a.body.customerId).not.toBe(b.body.customerId);
      // Which of the two keeps the contested email depends on which touchpoint was decided first.
      expect([...a.body.identifiers.email, ...b.body.identifiers.email]).toEqual([shared]);
    });

    it('takes a withdrawal to the holder of the identifier it names when the guardrails keep the two customers apart, in the profile and in ClickHouse; a grant stays with the customer it landed on', async () => {
      const suffix = randomUUID().slice(0, 8);
      const [email, crm, web, other] = [`ali.${suffix}@example.com`, `crm-${suffix}`, `web-${suffix}`, `web2-${suffix}`];
      const update = (customerId: string, occurredAt: string, consent: object, source: string) => ({
        eventId: randomUUID(), type: 'profile_update', source, occurredAt, identifiers: { customerId, email }, consent, payload: {},
      });
      const holder = async () => (await platform.get(`/v1/customers?identifier=customerId:${crm}`)).body;
      expect((await platform.post('/v1/touchpoints', update(crm, '2026-12-01T10:00:00Z', { email: 'granted' }, 'club-signup'))).status).toBe(202);
      await eventually(async () => ((await holder()).consent?.email?.status === 'granted' ? true : undefined), 'the grant');

      // Another customer id with the same email: the guardrails refuse the merge, and the touchpoint lands on that id.
      const unsubscribe = update(web, '2026-12-05T10:00:00Z', { email: 'denied' }, 'unsubscribe-page');
      expect((await platform.post('/v1/touchpoints', unsubscribe)).status).toBe(202);
      const withdrawn = await eventually(async () => {
        const profile = await holder();
        return profile.consent?.email?.status === 'denied' ? profile : undefined;
      }, 'the withdrawal to reach the holder of the email');
      expect(withdrawn.consent.email).toMatchObject({ eventId: unsubscribe.eventId, source: 'unsubscribe-page' });
      expect(withdrawn.identifiers.email).toEqual([email]);
      expect(withdrawn.touchpoints).toBe(1);
      const landed = (await platform.get(`/v1/customers?identifier=customerId:${web}`)).body;
      expect(landed.customerId).not.toBe(withdrawn.customerId);
      expect(landed.consent.email).toMatchObject({ status: 'denied' });

      // A grant is the word of the customer it lands on only.
      expect((await platform.post('/v1/touchpoints', update(other, '2026-12-06T10:00:00Z', { email: 'granted', sms: 'granted' }, 'web'))).status).toBe(202);
      await eventually(async () => ((await platform.get(`/v1/customers?identifier=customerId:${other}`)).status === 200 || undefined), 'the third customer');
      expect((await holder()).consent).toEqual(withdrawn.consent);

      const inClickHouse = async () => {
        const { body } = await platform.post('/v1/admin/sql', { query: `SELECT channel, status FROM consent_current WHERE customer_id = '${withdrawn.customerId}' ORDER BY channel` });
        return body.rows;
      };
      await eventually(async () => ((await inClickHouse()).length > 0 && (await inClickHouse())[0].status === 'denied' ? true : undefined), 'ClickHouse to hold the withdrawal');
      expect(await inClickHouse()).toEqual([{ channel: 'email', status: 'denied' }]);
    });

    it('takes a withdrawal told with an address nobody held, whose link was refused, to the customer who links the address later', async () => {
      const suffix = randomUUID().slice(0, 8);
      const full = `full-${suffix}`;
      const address = `later.${suffix}@example.com`;
      const visit = (identifiers: object, occurredAt: string, consent: object | null = null) => ({
        eventId: randomUUID(), type: 'visit', source: 'web', occurredAt, identifiers, consent, payload: { channel: 'web' },
      });
      // A customer with as many emails as one may hold (5): the address of the withdrawal cannot link to it.
      const five = [1, 2, 3, 4, 5].map((n) => visit({ customerId: full, email: `e${n}.${suffix}@example.com` }, '2026-12-01T10:00:00Z'));
      expect((await platform.post('/v1/touchpoints', { touchpoints: five })).status).toBe(202);
      await eventually(async () => ((await platform.get(`/v1/customers?identifier=customerId:${full}`)).body.touchpoints === 5 || undefined), 'the five emails');
      const withdrawal = visit({ customerId: full, email: address }, '2026-12-05T10:00:00Z', { email: 'denied' });
      expect((await platform.post('/v1/touchpoints', withdrawal)).status).toBe(202);
      await eventually(async () => ((await platform.get(`/v1/customers?identifier=customerId:${full}`)).body.touchpoints === 6 || undefined), 'the withdrawal');

      // Later, someone links the address, with a grant older than the withdrawal.
      expect((await platform.post('/v1/touchpoints', visit({ email: address }, '2026-12-02T10:00:00Z', { email: 'granted' }))).status).toBe(202);
      const holder = await eventually(async () => {
        const { status, body } = await platform.get(`/v1/customers?identifier=email:${address}`);
        return status === 200 ? body : undefined;
      }, 'the holder of the address');
      expect(holder.consent.email).toMatchObject({ status: 'denied', eventId: withdrawal.eventId });

      const inClickHouse = async () =>
        (await platform.post('/v1/admin/sql', { query: `SELECT status FROM consent_current WHERE customer_id = '${holder.customerId}' AND channel = 'email'` })).body.rows;
      // The sink takes the two touchpoints in the order of their partitions, and the identity map follows within a second or so.
      await eventually(async () => ((await inClickHouse())[0]?.status === 'denied' || undefined), 'ClickHouse to hold the withdrawal for the holder of the address');
      expect(await inClickHouse()).toEqual([{ status: 'denied' }]);
    });

    it('pages through a long timeline and the identity conflicts, newest first, each item once; a cursor it did not give is refused', async () => {
      const client = createCdpClient({ baseUrl: platform.url });
      const customerId = `c-${randomUUID().slice(0, 8)}`;
      // Two pairs share their instant: the event id orders them, on both sides of a page's end.
      const instants = ['2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z', '2026-11-02T10:00:00Z', '2026-11-03T10:00:00Z', '2026-11-04T10:00:00Z', '2026-11-04T10:00:00Z', '2026-11-05T10:00:00Z'];
      const visits = instants.map((occurredAt) => ({ eventId: randomUUID(), type: 'visit', source: 'web', occurredAt, identifiers: { customerId }, payload: { channel: 'web' } }));
      expect((await platform.post('/v1/touchpoints', { touchpoints: visits })).status).toBe(202);
      const profile = await eventually(async () => {
        const view = await client.customerByIdentifier('customerId', customerId);
        return view?.touchpoints === visits.length ? view : undefined;
      }, 'the profile to hold every visit');

      const pages: string[][] = [];
      for (let before: string | null = null; pages.length < 4 && (pages.length === 0 || before !== null); ) {
        const page = await client.timeline(profile.customerId, { limit: 3, before: before ?? undefined });
        pages.push(page.touchpoints.map((t) => t.eventId));
        before = page.next;
      }
      const newestFirst = [...visits].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.eventId.localeCompare(a.eventId)).map((v) => v.eventId);
      expect(pages).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);

      const shared = `hot.${randomUUID().slice(0, 8)}@example.com`;
      const others = [1, 2, 3, 4].map(() => `c-${randomUUID().slice(0, 8)}`);
      for (const other of others) {
        const visit = { eventId: randomUUID(), type: 'visit', source: 'web', occurredAt: '2026-11-06T10:00:00Z', identifiers: { customerId: other, email: shared }, payload: { channel: 'web' } };
        expect((await platform.post('/v1/touchpoints', visit)).status).toBe(202);
      }
      const everyConflict = async () => {
        const seen: { eventId: string; identifier: string }[] = [];
        for (let before = '', pages = 0; pages < 100; pages++) {
          const { status, body } = await platform.get(`/v1/admin/identity-conflicts?limit=2${before && `&before=${before}`}`);
          expect(status).toBe(200);
          seen.push(...body.conflicts);
          if (body.next === null) return seen;
          before = body.next;
        }
        throw new Error('the conflicts did not end within 100 pages');
      };
      const mine = await eventually(async () => {
        const conflicts = (await everyConflict()).filter((c) => c.identifier === `email:${shared}`);
        return conflicts.length === others.length - 1 ? conflicts : undefined;
      }, 'every refused merge to be listed');
      expect(new Set(mine.map((c) => c.eventId)).size).toBe(others.length - 1);

      const refused = { status: 400, body: expect.objectContaining({ error: 'HTTP.INVALID_REQUEST', errors: [{ path: 'before', message: 'must be the "next" of an earlier page of this list, as given' }] }) };
      expect(await platform.get(`/v1/customers/${profile.customerId}/timeline?before=2026-11-04`)).toEqual(refused);
      expect(await platform.get(`/v1/admin/identity-conflicts?before=${Buffer.from('["2026-11-04"]').toString('base64url')}`)).toEqual(refused);
    });

    it('answers 404 with a clear body for an unknown customer, and 400 for a malformed identifier', async () => {
      expect(await platform.get('/v1/customers/cus_nobody')).toMatchObject({ status: 404, body: { error: 'CUSTOMER.NOT_FOUND' } });
      expect(await platform.get('/v1/customers?identifier=shoeSize:42')).toMatchObject({ status: 400, body: { error: 'CUSTOMER.INVALID_IDENTIFIER' } });
    });
  });
}
