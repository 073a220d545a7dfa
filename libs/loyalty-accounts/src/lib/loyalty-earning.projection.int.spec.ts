import { randomUUID } from 'node:crypto';
import { CUSTOMER_PROJECTION, openCustomerDataSource } from '@cdp/customer-projection';
import type { EventLog, RecordedEvent } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import type { Touchpoint } from '@cdp/events';
import { DEFAULT_LOYALTY_PROGRAM, type RecordTouchpoint } from '@cdp/loyalty';
import { migrateProjectionTables, park, WaitForProjectionError, type ProjectionHandler } from '@cdp/projections';
import { openPgliteDatabase, type SqlClient } from '@cdp/sql';
import type { DataSource } from 'typeorm';
import { LoyaltyAccounts } from './loyalty-accounts';
import { loyaltyAccountStreamId } from './loyalty-account-stream';
import { LOYALTY_EARNING_PROJECTION, loyaltyEarningProjection } from './loyalty-earning.projection';
import { LOYALTY_PROJECTION, loyaltyProjection } from './loyalty.projection';

const OCCURRED_AT = '2026-11-20T10:15:00.000Z';

function purchaseEvent(type: 'purchase' | 'refund' = 'purchase'): RecordedEvent<Touchpoint> {
  const touchpoint: Touchpoint = {
    eventId: randomUUID(),
    type,
    source: 'pos-store-12',
    occurredAt: OCCURRED_AT,
    receivedAt: OCCURRED_AT,
    identifiers: { customerId: 'c-42', email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null },
    traits: null,
    consent: null,
    attributes: {},
    payload: { orderId: 'o-9', amount: '300000', currency: 'IRR', items: [] },
  };
  return { eventId: touchpoint.eventId, type, data: touchpoint, metadata: {}, streamId: `touchpoints-${touchpoint.eventId}`, streamPosition: 0, position: '1', partition: 'all', offset: '1', recordedAt: touchpoint.occurredAt };
}

describe('loyalty_earning waiting for the customers projection (PGlite)', () => {
  let sql: SqlClient;
  let dataSource: DataSource;
  let handler: ProjectionHandler;
  let accounts: LoyaltyAccounts;
  let eventStore: EventLog;
  beforeAll(async () => {
    const database = await openPgliteDatabase();
    sql = database.client;
    dataSource = await openCustomerDataSource({ driver: database.typeormDriver });
    await migrateProjectionTables(sql);
    eventStore = await createPostgresEventLog(sql);
    accounts = new LoyaltyAccounts(eventStore, DEFAULT_LOYALTY_PROGRAM);
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

  it('sends a touchpoint an account took again to that account, though it was placed on another customer since', async () => {
    const [purchase, refund, fresh] = [purchaseEvent(), purchaseEvent('refund'), purchaseEvent()];
    const [first, second] = [`cus_${randomUUID()}`, `cus_${randomUUID()}`];
    await Promise.all([place(purchase.eventId, first), place(refund.eventId, first)]);
    await apply([purchase, refund]);
    await handler.afterCommit!();
    const loyalty = await loyaltyProjection({ accounts }).open(sql, LOYALTY_PROJECTION);
    const earned = await eventStore.readStream(loyaltyAccountStreamId(first));
    await sql.transaction((tx) => loyalty.apply(tx, earned, { resumed: false }));

    // A rebuild of the customers projection settled a conflict otherwise: the purchase is now the second customer's.
    await sql.query(`UPDATE ${CUSTOMER_PROJECTION}.touchpoints SET customer_id = $2 WHERE event_id = ANY($1::text[])`, [[purchase.eventId, refund.eventId], second]);
    await place(fresh.eventId, second);
    await sql.query(`DELETE FROM ${LOYALTY_EARNING_PROJECTION}.command_outbox`);
    await apply([purchase, refund, fresh]);
    const sentTo = (await outbox()).map(({ command }) => [(command as RecordTouchpoint).data.touchpoint.eventId, (command as RecordTouchpoint).data.customerId]);
    expect(sentTo).toEqual([
      [purchase.eventId, first],
      [refund.eventId, first],
      [fresh.eventId, second],
    ]);
    await handler.afterCommit!();
    const earnedLots = async (customerId: string) =>
      (await eventStore.readStream(loyaltyAccountStreamId(customerId))).filter((e) => e.type === 'PointsEarned').map((e) => (e.data as { lotId: string }).lotId);
    expect(await earnedLots(first)).toEqual([purchase.eventId]);
    expect(await earnedLots(second)).toEqual([fresh.eventId]);
    const refundsOf = async (customerId: string) => (await eventStore.readStream(loyaltyAccountStreamId(customerId))).filter((e) => e.type === 'RefundRecorded');
    expect(await refundsOf(first)).toHaveLength(1);
    expect(await refundsOf(second)).toEqual([]);
  });
});
