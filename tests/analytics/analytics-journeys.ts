import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { readTouchpoint, touchpointExamples, type SchemaCatalog } from '@cdp/events';
import { touchpointStreamId } from '@cdp/ingestion';
import type { ClickHouseClient } from '@cdp/clickhouse';
import { ANALYTICS, SCHEMA_CATALOG, TOUCHPOINT_LOG } from '@cdp/platform-runtime';
import { eventually } from '../support/eventually';
import type { PlatformUnderTest } from '../support/platform-under-test';

/** A customer who buys with an email, calls with a phone, links both in a sign-up, and is refunded part of an order. */
function journey() {
  const suffix = randomUUID().slice(0, 8);
  const email = `nima.${suffix}@example.com`;
  const phone = `+98912${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const touchpoint = (type: string, occurredAt: string, identifiers: object, payload: object) => ({ eventId: randomUUID(), type, source: 'test', occurredAt, identifiers, payload });
  return {
    email,
    phone,
    touchpoints: [
      touchpoint('purchase', '2026-10-01T10:00:00Z', { email }, { orderId: `a-${suffix}`, amount: '300000', currency: 'IRR', channel: 'store' }),
      touchpoint('purchase', '2026-10-20T10:00:00Z', { phone }, { orderId: `b-${suffix}`, amount: '120000.5', currency: 'IRR', channel: 'online' }),
      touchpoint('call', '2026-10-21T09:00:00Z', { phone }, { direction: 'inbound', durationSec: 60, outcome: 'complaint' }),
      touchpoint('refund', '2026-10-22T09:00:00Z', { phone }, { orderId: `b-${suffix}`, amount: '20000.5', currency: 'IRR', reason: 'damaged' }),
      touchpoint('profile_update', '2026-10-23T08:00:00Z', { email, phone }, { preferences: { sauce: 'no spicy sauce' } }),
    ],
  };
}

export function describeAnalyticsJourneys(mode: string, start: () => Promise<PlatformUnderTest>): void {
  describe(`analytics in ClickHouse and RFM (${mode})`, () => {
    let platform: PlatformUnderTest;
    beforeAll(async () => {
      platform = await start();
    });
    afterAll(() => platform?.close());

    const sql = async (query: string) => {
      const { status, body } = await platform.post('/v1/admin/sql', { query });
      if (status !== 200) throw new Error(`${query}: ${status} ${JSON.stringify(body)}`);
      return body.rows as Record<string, unknown>[];
    };

    it('lands every touchpoint in ClickHouse on the customer of today, merges resolved at read time', async () => {
      const { email, phone, touchpoints } = journey();
      expect((await platform.post('/v1/touchpoints', { touchpoints })).status).toBe(202);
      const profile = await eventually(async () => {
        const { status, body } = await platform.get(`/v1/customers?identifier=email:${encodeURIComponent(email)}`);
        return status === 200 && body.touchpoints === 5 ? body : undefined;
      }, 'the profile to hold the five touchpoints');

      const ids = touchpoints.map((t) => `'${t.eventId}'`).join(', ');
      const resolved = await eventually(async () => {
        const rows = await sql(`SELECT customer_id, count() AS n FROM touchpoints_resolved WHERE event_id IN (${ids}) GROUP BY customer_id`);
        return rows.length === 1 && rows[0].n === '5' && rows[0].customer_id === profile.customerId ? rows : undefined;
      }, 'the five touchpoints to resolve to the unified customer in ClickHouse');
      expect(resolved).toEqual([{ customer_id: profile.customerId, n: '5' }]);

      expect(await sql(`SELECT currency, orders, gross, refunded, net FROM customer_revenue WHERE customer_id = '${profile.customerId}'`)).toEqual([
        { currency: 'IRR', orders: '2', gross: '420000.500', refunded: '20000.500', net: '400000.000' },
      ]);
      expect(await sql(`SELECT key, customer_id FROM identity_current WHERE key IN ('email:${email}', 'phone:${phone}') ORDER BY key`)).toEqual([
        { key: `email:${email}`, customer_id: profile.customerId },
        { key: `phone:${phone}`, customer_id: profile.customerId },
      ]);
    });

    it('refuses a query that writes, and says why', async () => {
      const { status, body } = await platform.post('/v1/admin/sql', { query: 'DROP TABLE touchpoints' });
      expect(status).toBe(400);
      expect(body.error).toBe('ANALYTICS.QUERY_REFUSED');
      expect((await sql('SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = \'touchpoints\''))[0].n).toBe('1');
      expect(await platform.post('/v1/admin/sql', { query: 'SELECT 1; DROP TABLE touchpoints' })).toMatchObject({
        status: 400,
        body: { error: 'ANALYTICS.QUERY_REFUSED', message: 'send one statement per request: this query holds more than one (a ";" between statements)' },
      });
      expect(await sql("SELECT ';' AS semicolon -- a comment; with one\n")).toEqual([{ semicolon: ';' }]);
      expect(await sql('SELECT 1 AS one; -- the end')).toEqual([{ one: 1 }]);
      expect(await sql("SELECT 'a; -- b' AS s")).toEqual([{ s: 'a; -- b' }]);
      expect(await platform.post('/v1/admin/sql', 'SELECT 1', { 'content-type': 'text/plain' })).toMatchObject({
        status: 415,
        body: { error: 'HTTP.UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json, not "text/plain"' },
      });
    });

    it('runs RFM on request, after the projections caught up, and answers per segment and per customer', async () => {
      const { email, touchpoints } = journey();
      expect((await platform.post('/v1/touchpoints', { touchpoints })).status).toBe(202);
      const run = await platform.post('/v1/segments/rfm/runs', { asOf: '2026-11-01T00:00:00Z', windowDays: 365 });
      expect(run.status).toBe(200);
      expect(run.body).toMatchObject({ asOf: '2026-11-01T00:00:00.000Z', windowDays: 365, currency: 'IRR' });
      expect(run.body.customers).toBeGreaterThanOrEqual(1);

      const { body: profile } = await platform.get(`/v1/customers?identifier=email:${encodeURIComponent(email)}`);
      const { status, body: scores } = await platform.get(`/v1/customers/${profile.customerId}/rfm`);
      expect(status).toBe(200);
      expect(scores).toMatchObject({ customerId: profile.customerId, recencyDays: 11, frequency: 2, monetary: '400000.000', asOf: '2026-11-01T00:00:00.000Z', windowDays: 365 });
      expect(scores.segment).toEqual(expect.any(String));

      const { body: segments } = await platform.get('/v1/segments/rfm');
      expect(segments).toMatchObject({ asOf: '2026-11-01T00:00:00.000Z', runId: run.body.runId });
      expect(Object.values(segments.segments as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(run.body.customers);
      expect(run.body.current).toBe(true);

      // As of an instant before the current scores': a what-if, with its own counts, that leaves the current scores alone.
      const whatIf = await platform.post('/v1/segments/rfm/runs', { asOf: '2026-10-21T00:00:00Z', windowDays: 365 });
      expect(whatIf).toMatchObject({ status: 200, body: { asOf: '2026-10-21T00:00:00.000Z', current: false } });
      expect(Object.values(whatIf.body.segments as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(whatIf.body.customers);
      expect((await platform.get('/v1/segments/rfm')).body).toEqual(segments);
      expect((await platform.get(`/v1/customers/${profile.customerId}/rfm`)).body).toEqual(scores);
    });

    it('drops the RFM runs scored past CDP_RFM_RETENTION_DAYS (30) after a run, whole days, and keeps the new run', async () => {
      const old = `scored-long-ago-${randomUUID()}`;
      await platform.app.get<ClickHouseClient>(ANALYTICS).insert('rfm_snapshots', [
        { run_id: old, as_of: '2026-01-01 00:00:00', window_days: 365, customer_id: 'cus_x', recency_days: 1, frequency: '1', monetary: '1.000', r: 3, f: 3, m: 3, segment: 'Need Attention', scored_at: '2026-01-01 00:00:00' },
      ]);
      const run = await platform.post('/v1/segments/rfm/runs', { windowDays: 365 });
      expect(run.status).toBe(200);

      await eventually(async () => ((await sql(`SELECT count() AS n FROM rfm_snapshots WHERE run_id = '${old}'`))[0].n === '0' ? true : undefined), 'the old run to go');
      expect(await sql(`SELECT count() AS n FROM rfm_snapshots WHERE run_id = '${run.body.runId}'`)).toEqual([{ n: String(run.body.customers) }]);
    });

    it('refuses RFM parameters it cannot read, with the field named', async () => {
      const { status, body } = await platform.post('/v1/segments/rfm/runs', { windowDays: -3 });
      expect(status).toBe(400);
      expect(body.message).toMatch(/windowDays/);
    });

    // Last: it leaves a dead letter behind.
    it('sets a touchpoint its tables cannot hold aside as a dead letter, counted on /metrics, and goes on with the others', async () => {
      // Ingestion has refused a time before 1970 since 2026-12-06; a log written before may hold one.
      const email = `old.${randomUUID().slice(0, 8)}@example.com`;
      const read = readTouchpoint({ ...touchpointExamples.visit, identifiers: { email } }, platform.app.get<SchemaCatalog>(SCHEMA_CATALOG), { eventId: randomUUID(), receivedAt: new Date().toISOString() });
      if (!read.ok) throw new Error('the visit sample must be valid');
      const old = { ...read.value, occurredAt: '1969-12-31T00:00:00.000Z' };
      await platform.app.get<EventLog>(TOUCHPOINT_LOG).appendMany([{ streamId: touchpointStreamId(`email:${email}`), events: [{ eventId: old.eventId, type: old.type, data: old }] }]);
      const { email: next, touchpoints } = journey();
      expect((await platform.post('/v1/touchpoints', { touchpoints })).status).toBe(202);

      const letter = await eventually(async () => {
        const { body } = await platform.get('/v1/admin/dead-letters');
        return body.deadLetters.find((d: { eventId: string }) => d.eventId === old.eventId);
      }, 'the old touchpoint to become a dead letter of analytics');
      expect(letter).toMatchObject({ projection: 'analytics', error: expect.stringContaining('is before 1970-01-01') });
      expect((await platform.get('/metrics')).body).toMatch(/^cdp_projection_dead_letters\{projection="analytics"\} [1-9]/m);
      await eventually(async () => (await sql(`SELECT count() AS n FROM touchpoints WHERE has(identifiers, 'email:${next}')`))[0].n === '2' || undefined, 'the next touchpoints in ClickHouse');
    });
  });
}
