import type { RecordedEvent } from '@cdp/event-log';
import { migrateAnalytics, type ClickHouseClient } from '@cdp/clickhouse';
import { openThrowawayChdbClient, openThrowawayServerClient } from '@cdp/clickhouse/testing';
import { loadSchemaCatalog } from '@cdp/events';
import type { SqlExecutor } from '@cdp/sql';
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

describe.each([
  ['the ClickHouse server', openThrowawayServerClient],
  ['chDB', openThrowawayChdbClient],
] as const)('the ClickHouse sink on %s', (_, open) => {
  let client: ClickHouseClient;
  beforeAll(async () => {
    client = await open();
    await migrateAnalytics(client, ANALYTICS_MIGRATIONS);
  });
  afterAll(() => client.close());

  it("takes a rebuild's batch of 5,000 and, given it again, adds nothing twice", async () => {
    const handler = await analyticsProjection({ catalog: loadSchemaCatalog(), clickhouse: client }).open(undefined as never, 'analytics');
    const tx = undefined as unknown as SqlExecutor;

    await handler.apply(tx, batch);
    await handler.apply(tx, batch);

    const counts = await client.query('SELECT (SELECT count() FROM touchpoints) AS touchpoints, (SELECT count() FROM purchases) AS purchases, (SELECT count() FROM touchpoint_fields) AS fields');
    expect(counts).toEqual([{ touchpoints: '5000', purchases: '5000', fields: '5000' }]);
  });
});
