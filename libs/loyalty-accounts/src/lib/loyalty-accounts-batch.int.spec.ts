import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { DEFAULT_LOYALTY_PROGRAM, type LoyaltyAccountCommand, type RecordTouchpoint } from '@cdp/loyalty';
import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { loadLoyaltyAccount } from './loyalty-account-stream';
import { LoyaltyAccounts } from './loyalty-accounts';

/** 100 points each: an account stays in the first tier (below 1,000 of spend), so points add up plainly. */
const purchase = (customerId: string): RecordTouchpoint => ({
  type: 'RecordTouchpoint',
  data: { customerId, touchpoint: { eventId: randomUUID(), type: 'purchase', occurredAt: '2026-06-01T10:00:00.000Z', payload: { orderId: randomUUID(), amount: '100', currency: 'IRR' } } },
});

/** One to three purchases for each of `count` new accounts. */
function purchasesOfNewAccounts(count: number): Map<string, RecordTouchpoint[]> {
  const run = randomUUID().slice(0, 8);
  return new Map(
    Array.from({ length: count }, (_, i) => {
      const customerId = `cus_batch_${run}_${i}`;
      return [customerId, Array.from({ length: 1 + (i % 3) }, () => purchase(customerId))];
    }),
  );
}

/** The event store, counting the calls the accounts make to it. */
function counted(eventStore: EventLog) {
  const calls = { readStream: 0, readStreams: 0, append: 0, appendMany: 0 };
  const log: EventLog = {
    ...eventStore,
    readStream: (...args) => (calls.readStream++, eventStore.readStream(...args)),
    readStreams: (...args) => (calls.readStreams++, eventStore.readStreams(...args)),
    append: (...args) => (calls.append++, eventStore.append(...args)),
    appendMany: (...args) => (calls.appendMany++, eventStore.appendMany(...args)),
  };
  return { log, calls };
}

describe('loyalty accounts decided in batches (Postgres server)', () => {
  let sql: SqlClient;
  let eventStore: EventLog;
  const schema = `loyalty_batch_test_${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    eventStore = await createPostgresEventLog(sql, { schema });
  });
  afterAll(async () => {
    await eventStore.close();
    await sql.query(`DROP SCHEMA ${schema} CASCADE`);
    await sql.close();
  });

  /** Each account has earned exactly once for each of its touchpoints. */
  async function expectEarnedOnce(commands: ReadonlyMap<string, readonly LoyaltyAccountCommand[]>) {
    for (const [customerId, sent] of commands) {
      const touchpoints = new Set(sent.map((c) => (c as RecordTouchpoint).data.touchpoint.eventId));
      const { state } = await loadLoyaltyAccount(eventStore, customerId);
      expect(state.lots.map((lot) => lot.lotId).sort()).toEqual([...touchpoints].sort());
      expect(state.lifetime.earned).toBe(100 * touchpoints.size);
    }
  }

  it('reads and appends a batch of many accounts at once, and earns once per touchpoint however often it is sent', async () => {
    const batch = purchasesOfNewAccounts(200);
    const { log, calls } = counted(eventStore);
    const accounts = new LoyaltyAccounts(log, DEFAULT_LOYALTY_PROGRAM);

    await accounts.executeMany(batch);
    expect(calls).toEqual({ readStream: 0, readStreams: 1, append: 0, appendMany: 1 });

    await accounts.executeMany(batch);
    await new LoyaltyAccounts(eventStore, DEFAULT_LOYALTY_PROGRAM).executeMany(batch);
    await expectEarnedOnce(batch);
  });

  it('notices an account another process appended to since it was cached, and decides it again on its stream', async () => {
    const first = purchasesOfNewAccounts(50);
    const { log, calls } = counted(eventStore);
    const one = new LoyaltyAccounts(log, DEFAULT_LOYALTY_PROGRAM);
    await one.executeMany(first);

    // Another process records a touchpoint of the batch to come first: deciding it again on the cached account would earn it twice.
    const second = new Map([...first.keys()].map((customerId) => [customerId, [purchase(customerId)]]));
    const [stale] = second.keys();
    await new LoyaltyAccounts(eventStore, DEFAULT_LOYALTY_PROGRAM).executeAll(stale, second.get(stale)!);
    await one.executeMany(second);

    // The cached accounts were trusted (no read), the stale one failed the append, then all were read again.
    expect(calls).toEqual({ readStream: 0, readStreams: 2, append: 0, appendMany: 3 });
    await expectEarnedOnce(new Map([...first].map(([customerId, sent]) => [customerId, [...sent, ...second.get(customerId)!]])));
  });

  it('earns once per touchpoint when two processes send overlapping batches at the same time', async () => {
    const shared = purchasesOfNewAccounts(100);
    const [one, other] = [new LoyaltyAccounts(eventStore, DEFAULT_LOYALTY_PROGRAM), new LoyaltyAccounts(eventStore, DEFAULT_LOYALTY_PROGRAM)];
    await Promise.all([one.executeMany(shared), other.executeMany(shared)]);
    const more = new Map([...shared.keys()].map((customerId) => [customerId, [purchase(customerId)]]));
    const oneSends = new Map([...shared].map(([customerId, sent]) => [customerId, [...sent, ...more.get(customerId)!]]));

    await Promise.all([one.executeMany(oneSends), other.executeMany(more), one.executeMany(more)]);
    await expectEarnedOnce(oneSends);
  });
});
