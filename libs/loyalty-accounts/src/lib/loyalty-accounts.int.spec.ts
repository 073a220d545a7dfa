import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { InsufficientPointsError, type RedeemPoints } from '@cdp/loyalty';
import { UNIT_PROGRAM } from '@cdp/loyalty/testing';
import { createPgliteSqlClient, type SqlClient } from '@cdp/sql';
import { customerIdentityStreamId } from '@cdp/customer-projection';
import { loadLoyaltyAccount } from './loyalty-account-stream';
import { LoyaltyAccounts, LoyaltyMergePendingError } from './loyalty-accounts';

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

  it("waits for loyalty to merge the accounts identity merged before a redemption is decided, where a retry at the merged id spent again", async () => {
    const accounts = new LoyaltyAccounts(eventStore, UNIT_PROGRAM);
    const earn = (customerId: string) => ({ type: 'RecordTouchpoint' as const, data: { customerId, touchpoint: { eventId: randomUUID(), type: 'purchase', occurredAt: '2026-06-01T00:00:00.000Z', payload: { orderId: randomUUID(), amount: '1000', currency: 'IRR' } } } });
    await accounts.executeInOrder([earn('cus_survivor'), earn('cus_merged'), earn('cus_kept_from_live')]);
    // Identity merged cus_merged into cus_survivor; loyalty has not merged their accounts yet.
    await eventStore.append(customerIdentityStreamId('cus_survivor'), [{ eventId: randomUUID(), type: 'CustomerMerged', data: { from: 'cus_merged', into: 'cus_survivor' } }]);

    // cus_never_earned has no account, and no merge names cus_kept_from_live (an id a rebuild kept from live): nothing to wait for.
    await expect(accounts.whenMergedIn('cus_survivor', ['cus_never_earned', 'cus_kept_from_live'], { timeoutMs: 300 })).resolves.toBeUndefined();
    await expect(accounts.whenMergedIn('cus_survivor', ['cus_merged', 'cus_never_earned', 'cus_kept_from_live'], { timeoutMs: 300 })).rejects.toEqual(new LoyaltyMergePendingError('cus_survivor', ['cus_merged']));

    const waiting = accounts.whenMergedIn('cus_survivor', ['cus_merged']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await new LoyaltyAccounts(eventStore, UNIT_PROGRAM).executeInOrder([{ type: 'MergeAccounts', data: { from: 'cus_merged', into: 'cus_survivor' } }]);
    await expect(waiting).resolves.toBeUndefined();

    // A merge committed by the customers projection but not yet in the event store is waited for too.
    await accounts.executeInOrder([earn('cus_merged_just_now')]);
    await expect(accounts.whenMergedIn('cus_survivor', ['cus_merged_just_now'], { timeoutMs: 300, unpublishedMerges: async (ids) => new Set(ids) })).rejects.toEqual(
      new LoyaltyMergePendingError('cus_survivor', ['cus_merged_just_now']),
    );
    await expect(accounts.whenMergedIn('cus_survivor', ['cus_merged_just_now'], { timeoutMs: 300 })).resolves.toBeUndefined();

    // Decided once the merge is in, the redemption answers its key at the merged id too: a retry there spends nothing more.
    const first = { ...redeem('cus_survivor', 1500), data: { ...redeem('cus_survivor', 1500).data, idempotencyKey: 'till-7' } };
    await accounts.execute(first);
    const retried = await accounts.execute({ ...first, data: { ...first.data, redemptionId: randomUUID(), requestedFor: 'cus_merged' } });
    expect(retried.events).toEqual([]);
    expect(retried.state.lifetime).toMatchObject({ earned: 2000, redeemed: 1500 });
    await expect(accounts.whenMergedIn('cus_survivor', ['cus_merged'], { timeoutMs: 0 })).resolves.toBeUndefined();
  });
});
