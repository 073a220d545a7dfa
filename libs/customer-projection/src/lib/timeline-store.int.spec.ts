import { randomUUID } from 'node:crypto';
import type { Touchpoint } from '@cdp/events';
import { createPostgresSqlClient, openPgliteDatabase, type SqlClient } from '@cdp/sql';
import { scratchDatabase } from '@cdp/sql/testing';
import { CUSTOMER_PROJECTION } from './customer-schema';
import { saveTimeline, timelineRows, type TimelineEntry } from './timeline-store';
import { openCustomerDataSource } from './typeorm/customer-data-source';

interface Store {
  readonly sql: SqlClient;
  close(): Promise<void>;
}

async function pglite(): Promise<Store> {
  const database = await openPgliteDatabase();
  const dataSource = await openCustomerDataSource({ driver: database.typeormDriver });
  return { sql: database.client, close: () => dataSource.destroy().then(() => database.client.close()) };
}

async function postgresServer(): Promise<Store> {
  const database = await scratchDatabase();
  const dataSource = await openCustomerDataSource({ url: database.url });
  const sql = createPostgresSqlClient({ connectionString: database.url });
  return {
    sql,
    async close() {
      await dataSource.destroy();
      await sql.close();
      await database.drop();
    },
  };
}

function touchpoint(note: string): Touchpoint {
  return {
    eventId: randomUUID(),
    type: 'call',
    source: 'call-center',
    occurredAt: '2026-11-20T10:15:00.000Z',
    receivedAt: '2026-11-20T10:15:01.000Z',
    identifiers: { customerId: null, email: null, phone: '+989121234567', loyaltyCard: null, socialHandle: null, deviceId: null },
    traits: null,
    consent: null,
    attributes: { note },
    payload: { outcome: 'resolved', note },
  };
}

describe.each([
  ['PGlite', pglite],
  ['Postgres', postgresServer],
])('the timeline store (%s)', (_, open) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store?.close());

  it('keeps each touchpoint whole, on its own row, whatever its strings hold', async () => {
    const entries: TimelineEntry[] = [
      { customerId: 'cus_a', channel: 'phone', touchpoint: touchpoint('no spicy sauce') },
      { customerId: 'cus_b', channel: null, touchpoint: touchpoint('split\x1ehere, "quoted", back\\slash, tab\t, ☕ and \u0000') },
      { customerId: 'cus_a', channel: 'phone', touchpoint: touchpoint('') },
    ];
    const timeline = await timelineRows(entries);
    await store.sql.transaction((tx) => saveTimeline(tx, CUSTOMER_PROJECTION, timeline));

    const { rows } = await store.sql.query<{ event_id: string; customer_id: string; occurred_at: string; type: string; channel: string | null; touchpoint: Touchpoint }>(
      `SELECT event_id, customer_id, occurred_at, type, channel, touchpoint FROM ${CUSTOMER_PROJECTION}.touchpoints WHERE event_id = ANY($1::text[])`,
      [entries.map((e) => e.touchpoint.eventId)],
    );
    const byEventId = new Map(rows.map((row) => [row.event_id, row]));
    expect(rows).toHaveLength(3);
    for (const { customerId, channel, touchpoint } of entries) {
      expect(byEventId.get(touchpoint.eventId)).toEqual({
        event_id: touchpoint.eventId,
        customer_id: customerId,
        occurred_at: touchpoint.occurredAt,
        type: touchpoint.type,
        channel,
        touchpoint,
      });
    }
  });
});
