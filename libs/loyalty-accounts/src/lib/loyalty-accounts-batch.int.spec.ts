import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { type LoyaltyAccountCommand, type RecordTouchpoint } from '@cdp/loyalty';
import { UNIT_PROGRAM } from '@cdp/loyalty/testing';
import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { loadLoyaltyAccount } from './loyalty-account-stream';
import { LoyaltyAccounts, type AccountsCommand } from './loyalty-accounts';

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

const inOrder = (batch: ReadonlyMap<string, readonly LoyaltyAccountCommand[]>) => [...batch.values()].flat();

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
    const accounts = new LoyaltyAccounts(log, UNIT_PROGRAM);

    await accounts.executeInOrder(inOrder(batch));
    expect(calls).toEqual({ readStream: 0, readStreams: 1, append: 0, appendMany: 1 });

    await accounts.executeInOrder(inOrder(batch));
    await new LoyaltyAccounts(eventStore, UNIT_PROGRAM).executeInOrder(inOrder(batch));
    await expectEarnedOnce(batch);
  });

  it('notices an account another process appended to since it was cached, and decides it again on its stream', async () => {
    const first = purchasesOfNewAccounts(50);
    const { log, calls } = counted(eventStore);
    const one = new LoyaltyAccounts(log, UNIT_PROGRAM);
    await one.executeInOrder(inOrder(first));

    // Another process records a touchpoint of the batch to come first: deciding it again on the cached account would earn it twice.
    const second = new Map([...first.keys()].map((customerId) => [customerId, [purchase(customerId)]]));
    const [stale] = second.keys();
    await new LoyaltyAccounts(eventStore, UNIT_PROGRAM).executeInOrder(second.get(stale)!);
    await one.executeInOrder(inOrder(second));

    // The cached accounts were trusted (no read), the stale one failed the append, then all were read again.
    expect(calls).toEqual({ readStream: 0, readStreams: 2, append: 0, appendMany: 3 });
    await expectEarnedOnce(new Map([...first].map(([customerId, sent]) => [customerId, [...sent, ...second.get(customerId)!]])));
  });

  it('earns once per touchpoint when two processes send overlapping batches at the same time', async () => {
    const shared = purchasesOfNewAccounts(100);
    const [one, other] = [new LoyaltyAccounts(eventStore, UNIT_PROGRAM), new LoyaltyAccounts(eventStore, UNIT_PROGRAM)];
    await Promise.all([one.executeInOrder(inOrder(shared)), other.executeInOrder(inOrder(shared))]);
    const more = new Map([...shared.keys()].map((customerId) => [customerId, [purchase(customerId)]]));
    const oneSends = new Map([...shared].map(([customerId, sent]) => [customerId, [...sent, ...more.get(customerId)!]]));

    await Promise.all([one.executeInOrder(inOrder(oneSends)), other.executeInOrder(inOrder(more)), one.executeInOrder(inOrder(more))]);
    await expectEarnedOnce(oneSends);
  });

  it('decides merges inside the batch, with one read and one append, as one command at a time decides them', async () => {
    const run = randomUUID().slice(0, 8);
    const merge = (from: string, into: string): AccountsCommand => ({ type: 'MergeAccounts', data: { from, into } });
    // b absorbs a, then c absorbs b; a's later purchases follow the chain, and merging a into c again changes nothing.
    const commandsOf = (side: string): AccountsCommand[] => {
      const [a, b, c] = ['a', 'b', 'c'].map((name) => `cus_${side}_${run}_${name}`);
      return [purchase(a), purchase(b), purchase(c), merge(a, b), purchase(a), merge(b, c), purchase(a), merge(a, c), purchase(b)];
    };
    const { log, calls } = counted(eventStore);
    await new LoyaltyAccounts(log, UNIT_PROGRAM).executeInOrder(commandsOf('batch'));
    expect(calls).toEqual({ readStream: 0, readStreams: 1, append: 0, appendMany: 1 });
    const alone = new LoyaltyAccounts(eventStore, UNIT_PROGRAM);
    for (const command of commandsOf('alone')) await alone.executeInOrder([command]);

    const accountsOf = async (side: string) => {
      const named = (id: string | null) => id?.replace(`cus_${side}_${run}_`, '') ?? null;
      const states = await Promise.all(['a', 'b', 'c'].map((name) => loadLoyaltyAccount(eventStore, `cus_${side}_${run}_${name}`)));
      return states.map(({ state }) => ({ mergedInto: named(state.mergedInto), absorbed: state.absorbed.map(named).sort(), lots: state.lots.length, lifetime: state.lifetime }));
    };
    const batch = await accountsOf('batch');
    expect(batch).toEqual(await accountsOf('alone'));
    expect(batch[2]).toMatchObject({ mergedInto: null, absorbed: ['a', 'b'], lots: 6, lifetime: { earned: 600 } });
    // In the log, each closed account's events come before the absorbing of it, as the ledger needs.
    const { rows } = await sql.query<{ stream_id: string; event_type: string; from: string | null }>(
      `SELECT stream_id, event_type, data->>'from' AS from FROM ${schema}.events WHERE stream_id LIKE $1 ORDER BY global_position`,
      [`loyalty-cus_batch_${run}_%`],
    );
    for (const [i, { event_type, from }] of rows.entries()) {
      if (event_type === 'LoyaltyAccountAbsorbed') expect(rows.slice(i + 1).filter((later) => later.stream_id === `loyalty-${from}`)).toEqual([]);
    }
    expect(rows.filter((r) => r.event_type === 'LoyaltyAccountAbsorbed').map((r) => r.from)).toEqual([`cus_batch_${run}_a`, `cus_batch_${run}_b`]);
  });
});
