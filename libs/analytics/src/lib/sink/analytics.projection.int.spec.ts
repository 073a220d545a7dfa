import type { RecordedEvent } from '@cdp/event-log';
import { migrateAnalytics, type ClickHouseClient } from '@cdp/clickhouse';
import { THROWAWAY_CLICKHOUSE_ENGINES } from '@cdp/clickhouse/testing';
import { loadSchemaCatalog } from '@cdp/events';
import { createPgliteSqlClient, type SqlExecutor } from '@cdp/sql';
import { ANALYTICS_MIGRATIONS } from '../tables/analytics-migrations';
import { analyticsProjection } from './analytics.projection';

/** A rebuild's batch: 5,000 purchases, each of its own customer. */
const batch: RecordedEvent[] = Array.from({ length: 5_000 }, (_, i) => {
  const eventId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    eventId,
    type: 'purchase',
    data: {
      eventId,
      type: 'purchase',
      source: 'bench',
      occurredAt: '2026-03-04T10:00:00.000Z',
      receivedAt: '2026-03-04T10:00:01.000Z',
      identifiers: { customerId: null, email: `customer.${i}@example.com`, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null },
      traits: null,
      consent: null,
      attributes: {},
      payload: { orderId: `o-${i}`, amount: '1000', currency: 'IRR', items: [], channel: 'web', location: null },
    },
    metadata: {},
    streamId: `touchpoints-email:customer.${i}@example.com`,
    streamPosition: 0,
    position: String(i + 1),
    partition: 'all',
    offset: String(i + 1),
    recordedAt: '2026-03-04T10:00:01.000Z',
  };
});

describe.each(THROWAWAY_CLICKHOUSE_ENGINES)('the ClickHouse sink on %s', (_, open) => {
  let client: ClickHouseClient;
  beforeAll(async () => {
    client = await open();
    await migrateAnalytics(client, ANALYTICS_MIGRATIONS);
  });
  afterAll(() => client.close());

  const counts = () =>
    client.query('SELECT (SELECT count() FROM touchpoints) AS touchpoints, (SELECT count() FROM purchases) AS purchases, (SELECT count() FROM touchpoint_fields) AS fields');
  const tx = undefined as unknown as SqlExecutor;

  it("takes a rebuild's batch of 5,000 and, given it again, adds nothing twice", async () => {
    const handler = await analyticsProjection({ catalog: loadSchemaCatalog(), clickhouse: client }).open(undefined as never, 'analytics');

    await handler.apply(tx, batch, { resumed: true });
    await handler.apply(tx, batch, { resumed: true });

    expect(await counts()).toEqual([{ touchpoints: '5000', purchases: '5000', fields: '5000' }]);
  });

  it('asks what the tables hold from a resumed batch until one it held nothing of, and for every batch of a rebuild', async () => {
    const asked: string[] = [];
    const watched: ClickHouseClient = {
      database: client.database,
      command: (sql) => client.command(sql),
      query: (sql, options) => {
        asked.push(sql);
        return client.query(sql, options);
      },
      insert: (table, rows) => client.insert(table, rows),
      version: () => client.version(),
      close: () => client.close(),
    };
    const live = await analyticsProjection({ catalog: loadSchemaCatalog(), clickhouse: watched }).open(undefined as never, 'analytics');
    const rebuild = await analyticsProjection({ catalog: loadSchemaCatalog(), clickhouse: watched }).open(undefined as never, 'analytics_rebuild');
    const batchOf = (n: number) =>
      batch.slice(0, 10).map((event, i) => {
        const eventId = `00000000-0000-4000-9${n}00-${String(i).padStart(12, '0')}`;
        return { ...event, eventId, data: { ...(event.data as object), eventId } };
      });
    const asks = () => asked.filter((sql) => sql.startsWith('SELECT event_id FROM touchpoints ')).length;

    await live.apply(tx, batchOf(1), { resumed: true }); // held none of it: what follows is new
    await live.apply(tx, batchOf(2), { resumed: false });
    expect(asks()).toBe(1);
    await live.apply(tx, batchOf(2), { resumed: true }); // a redelivery: held all of it
    await live.apply(tx, batchOf(3), { resumed: false }); // still asked: held none
    await live.apply(tx, batchOf(4), { resumed: false });
    expect(asks()).toBe(3);
    await rebuild.apply(tx, batchOf(5), { resumed: true });
    await rebuild.apply(tx, batchOf(6), { resumed: false });
    expect(asks()).toBe(5);
    expect(await counts()).toEqual([{ touchpoints: '5060', purchases: '5060', fields: '5060' }]);
  });

  it('drops the second copy of an event a Kafka log holds further on, in a later batch or the same one', async () => {
    const sql = await createPgliteSqlClient();
    try {
      const handler = await analyticsProjection({ catalog: loadSchemaCatalog(), clickhouse: client, logMayHoldCopies: true }).open(sql, 'analytics');
      const events = batch.slice(0, 10).map((event, i) => {
        const eventId = `00000000-0000-4000-b000-${String(i).padStart(12, '0')}`;
        // Taken by the log lately: ids are remembered for as long as a second copy can come.
        return { ...event, eventId, recordedAt: new Date().toISOString(), data: { ...(event.data as object), eventId } };
      });
      const purchasesOf = async () => (await client.query<{ n: string }>("SELECT count() AS n FROM purchases WHERE event_id LIKE '00000000-0000-4000-b000-%'"))[0].n;
      await sql.transaction((tx) => handler.apply(tx, events.slice(0, 6), { resumed: true }));
      // A writer died after Kafka took events 4 and 5; the retry sent them again, after 6 to 9.
      await sql.transaction((tx) => handler.apply(tx, [...events.slice(6), events[4], events[9], events[5]], { resumed: false }));
      expect(await purchasesOf()).toBe('10');
    } finally {
      await sql.close();
    }
  });

  it("keeps what each touchpoint said about consent, and each customer's word of today per channel", async () => {
    const handler = await analyticsProjection({ catalog: loadSchemaCatalog(), clickhouse: client }).open(undefined as never, 'analytics');
    const told = (n: number, type: 'visit' | 'profile_update', occurredAt: string, consent: Record<string, string>, payload: object) => {
      const eventId = `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;
      const template = batch[0];
      return { ...template, eventId, type, data: { ...(template.data as object), eventId, type, occurredAt, identifiers: { ...NO_IDENTIFIERS, email: 'sara@example.com' }, consent, payload } };
    };
    const visit = { channel: 'web', location: null, durationSec: null, purpose: null };
    await handler.apply(
      tx,
      [
        told(1, 'visit', '2026-03-01T10:00:00.000Z', { sms: 'granted', email: 'granted' }, visit),
        // At one instant, a withdrawal (in a profile update's payload) and a grant: withdrawn.
        told(2, 'profile_update', '2026-03-02T10:00:00.000Z', {}, { preferences: null, importantDates: null, consent: { sms: 'denied' } }),
        told(3, 'visit', '2026-03-02T10:00:00.000Z', { sms: 'granted' }, visit),
      ],
      { resumed: false },
    );
    expect(await client.query('SELECT channel, status FROM consents WHERE customer_key = \'email:sara@example.com\' ORDER BY occurred_at_ms, event_id, channel')).toEqual([
      { channel: 'email', status: 'granted' },
      { channel: 'sms', status: 'granted' },
      { channel: 'sms', status: 'denied' },
      { channel: 'sms', status: 'granted' },
    ]);
    await client.insert('identity_map', [{ key: 'email:sara@example.com', customer_id: 'cus_sara', version: 1 }]);
    expect(await client.query("SELECT channel, status FROM consent_current WHERE customer_id = 'cus_sara' ORDER BY channel")).toEqual([
      { channel: 'email', status: 'granted' },
      { channel: 'sms', status: 'denied' },
    ]);
  });
});

const NO_IDENTIFIERS = { customerId: null, email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null };
