import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { DEFAULT_LOYALTY_PROGRAM } from '@cdp/loyalty';
import { LoyaltyAccounts } from '@cdp/loyalty-accounts';
import { createPostgresSqlClient } from '@cdp/sql';
import { progress, timed } from './bench-support';

export interface RedemptionFigures {
  readonly redemptions: number;
  /** Per concurrency: redemptions/s on distinct accounts, and appends/s of the baseline. */
  readonly runs: readonly { concurrency: number; perSecond: number; baselinePerSecond: number }[];
  /** 50 at once on one account, where every decision races every other. */
  readonly oneAccountPerSecond: number;
}

const ACCOUNTS = 500;

/**
 * Redemption commands (load the account stream, decide, append expecting its version) against
 * the Postgres event store, at concurrency 1 and 50. The baseline is the least a redemption must
 * do: append one event to the account's stream at the same concurrency, with no read and no check.
 */
export async function benchRedemptions(databaseUrl: string, redemptions: number): Promise<RedemptionFigures> {
  const sql = createPostgresSqlClient({ connectionString: databaseUrl });
  const eventStore = await createPostgresEventLog(sql);
  try {
    const accounts = new LoyaltyAccounts(eventStore, DEFAULT_LOYALTY_PROGRAM);
    const ids = Array.from({ length: ACCOUNTS }, (_, i) => `cus_bench_${i}`);
    for (const [i, customerId] of ids.entries()) {
      await accounts.executeInOrder([earn(customerId, '1000000')]);
      if (i % 50 === 49) progress('  opening accounts', i + 1, ACCOUNTS);
    }
    const runs = [];
    for (const concurrency of [1, 50]) {
      const count = concurrency === 1 ? Math.ceil(redemptions / 5) : redemptions;
      const { seconds } = await timed(() => atConcurrency(count, concurrency, (i) => accounts.execute(redeem(ids[i % ACCOUNTS], `c${concurrency}-${i}`))));
      const baseline = await timed(() => atConcurrency(count, concurrency, (i) => appendOne(eventStore, ids[i % ACCOUNTS])));
      runs.push({ concurrency, perSecond: count / seconds, baselinePerSecond: count / baseline.seconds });
      progress(`  concurrency ${concurrency}`, 1, 1);
    }
    const contended = Math.ceil(redemptions / 5);
    await accounts.executeInOrder([earn('cus_bench_hot', '100000000')]);
    const { seconds } = await timed(() => atConcurrency(contended, 50, (i) => accounts.execute(redeem('cus_bench_hot', `hot-${i}`))));
    return { redemptions, runs, oneAccountPerSecond: contended / seconds };
  } finally {
    await eventStore.close();
    await sql.close();
  }
}

function earn(customerId: string, amount: string) {
  const touchpoint = { eventId: randomUUID(), type: 'purchase', occurredAt: new Date().toISOString(), payload: { orderId: randomUUID(), amount, currency: 'IRR' } };
  return { type: 'RecordTouchpoint' as const, data: { customerId, touchpoint } };
}

function redeem(customerId: string, idempotencyKey: string) {
  return { type: 'RedeemPoints' as const, data: { customerId, redemptionId: randomUUID(), idempotencyKey, points: 1, reason: 'bench', requestedAt: new Date().toISOString() } };
}

function appendOne(eventStore: EventLog, customerId: string) {
  return eventStore.append(`loyalty_baseline-${customerId}`, [{ eventId: randomUUID(), type: 'PointsRedeemed', data: { points: 1 } }]);
}

async function atConcurrency(count: number, concurrency: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await work(next++);
  }));
}
