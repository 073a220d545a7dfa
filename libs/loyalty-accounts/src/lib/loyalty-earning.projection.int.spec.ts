import { randomUUID } from 'node:crypto';
import { CUSTOMER_PROJECTION, openCustomerDataSource } from '@cdp/customer-projection';
import type { RecordedEvent } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import type { Touchpoint } from '@cdp/events';
import { DEFAULT_LOYALTY_PROGRAM } from '@cdp/loyalty';
import { migrateProjectionTables, park, WaitForProjectionError, type ProjectionHandler } from '@cdp/projections';
import { openPgliteDatabase, type SqlClient } from '@cdp/sql';
import type { DataSource } from 'typeorm';
import { LoyaltyAccounts } from './loyalty-accounts';
import { LOYALTY_EARNING_PROJECTION, loyaltyEarningProjection } from './loyalty-earning.projection';

const OCCURRED_AT = '2026-11-20T10:15:00.000Z';

function purchaseEvent(): RecordedEvent<Touchpoint> {
  const touchpoint: Touchpoint = {
    eventId: randomUUID(),
    type: 'purchase',
    source: 'pos-store-12',
    occurredAt: OCCURRED_AT,
    receivedAt: OCCURRED_AT,
    identifiers: { customerId: 'c-42', email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null },
    traits: null,
    consent: null,
    attributes: {},
    payload: { orderId: 'o-9', amount: '300000', currency: 'IRR', items: [] },
  };
  return { eventId: touchpoint.eventId, type: 'purchase', data: touchpoint, metadata: {}, streamId: `touchpoints-${touchpoint.eventId}`, streamPosition: 0, position: '1', partition: 'all', offset: '1', recordedAt: touchpoint.occurredAt };
}

describe('loyalty_earning waiting for the customers projection (PGlite)', () => {
  let sql: SqlClient;
  let dataSource: DataSource;
  let handler: ProjectionHandler;
  beforeAll(async () => {
    const database = await openPgliteDatabase();
    sql = database.client;
    dataSource = await openCustomerDataSource({ driver: database.typeormDriver });
    await migrateProjectionTables(sql);
    const accounts = new LoyaltyAccounts(await createPostgresEventLog(sql), DEFAULT_LOYALTY_PROGRAM);
    handler = await loyaltyEarningProjection({ program: DEFAULT_LOYALTY_PROGRAM, accounts }).open(sql, LOYALTY_EARNING_PROJECTION);
  });
  afterAll(() => dataSource.destroy().then(() => sql.close()));

  const apply = (events: readonly RecordedEvent[]) => sql.transaction((tx) => handler.apply(tx, events, { resumed: false }));
  const outbox = async () => (await sql.query(`SELECT command FROM ${LOYALTY_EARNING_PROJECTION}.command_outbox`)).rows;
  const place = (eventId: string, customerId: string) =>
    sql.query(`INSERT INTO ${CUSTOMER_PROJECTION}.touchpoints (event_id, customer_id, occurred_at, type, channel, touchpoint) VALUES ($1, $2, $3, 'purchase', NULL, '{}')`, [
      eventId,
      customerId,
      OCCURRED_AT,
    ]);

  it('waits, writing nothing, for a touchpoint the customers projection has not placed, then sends it to its customer', async () => {
    const event = purchaseEvent();
    const attempt = apply([event]);
    await expect(attempt).rejects.toBeInstanceOf(WaitForProjectionError);
    await expect(attempt).rejects.toMatchObject({ code: 'PROJECTIONS.WAITING_FOR_PROJECTION', projection: CUSTOMER_PROJECTION });
    expect(await outbox()).toEqual([]);

    await place(event.eventId, 'cus_waited');
    await apply([event]);
    expect(await outbox()).toEqual([{ command: expect.objectContaining({ type: 'RecordTouchpoint', data: expect.objectContaining({ customerId: 'cus_waited' }) }) }]);
  });

  it('tells which events, from the first, are ready while a later touchpoint waits', async () => {
    const [placed, waiting, after] = [purchaseEvent(), purchaseEvent(), purchaseEvent()];
    await place(placed.eventId, 'cus_ready');
    await place(after.eventId, 'cus_ready');
    await expect(apply([placed, waiting, after])).rejects.toMatchObject({ code: 'PROJECTIONS.WAITING_FOR_PROJECTION', ready: 1 });
    await expect(apply([waiting, placed])).rejects.toMatchObject({ ready: 0 });
  });

  it('does not wait for a touchpoint the customers projection holds as a dead letter: it fails with what to do', async () => {
    const event = purchaseEvent();
    await sql.transaction((tx) => park(tx, CUSTOMER_PROJECTION, event, 'a poisoned touchpoint', false));
    const attempt = apply([event]);
    await expect(attempt).rejects.toThrow(/is a dead letter of the customers projection.*cdp dlq retry/);
    await expect(attempt).rejects.not.toBeInstanceOf(WaitForProjectionError);
  });
});
