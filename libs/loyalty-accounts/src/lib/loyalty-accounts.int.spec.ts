import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { InsufficientPointsError, type RedeemPoints } from '@cdp/loyalty';
import { UNIT_PROGRAM } from '@cdp/loyalty/testing';
import { createPgliteSqlClient, type SqlClient } from '@cdp/sql';
import { loadLoyaltyAccount } from './loyalty-account-stream';
import { LoyaltyAccounts } from './loyalty-accounts';

const redeem = (customerId: string, points: number): RedeemPoints => ({
  type: 'RedeemPoints',
  data: { customerId, redemptionId: randomUUID(), idempotencyKey: randomUUID(), points, reason: '', requestedAt: '2026-07-01T00:00:00.000Z' },
});

describe('loyalty accounts decided by two processes (PGlite)', () => {
  let sql: SqlClient;
  let eventStore: EventLog;
  beforeAll(async () => {
    sql = await createPgliteSqlClient();
    eventStore = await createPostgresEventLog(sql);
  });
  afterAll(() => eventStore.close().then(() => sql.close()));

  it('each sees what the other appended since it last decided, so together they never overspend', async () => {
    const [one, other] = [new LoyaltyAccounts(eventStore, UNIT_PROGRAM), new LoyaltyAccounts(eventStore, UNIT_PROGRAM)];
    const touchpoint = { eventId: randomUUID(), type: 'purchase', occurredAt: '2026-06-01T00:00:00.000Z', payload: { orderId: 'o-1', amount: '1000', currency: 'IRR' } };
    await one.executeInOrder([{ type: 'RecordTouchpoint', data: { customerId: 'cus_shared', touchpoint } }]);

    await one.execute(redeem('cus_shared', 600));
    await expect(other.execute(redeem('cus_shared', 600))).rejects.toEqual(new InsufficientPointsError(400, 600));
    await other.execute(redeem('cus_shared', 300));
    await expect(one.execute(redeem('cus_shared', 200))).rejects.toEqual(new InsufficientPointsError(100, 200));
    const answers = await Promise.allSettled([...Array.from({ length: 10 }, () => one.execute(redeem('cus_shared', 20))), ...Array.from({ length: 10 }, () => other.execute(redeem('cus_shared', 20)))]);

    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(5);
    const { state } = await loadLoyaltyAccount(eventStore, 'cus_shared');
    expect(state.lifetime).toMatchObject({ earned: 1000, redeemed: 1000 });
  });
});
