import type { LoyaltyAccounts } from './loyalty-accounts';
import type { LoyaltyQueries } from './loyalty-queries';

const PER_ROUND = 500;

/**
 * Expires what is left of every lot whose expiry has come by `at`, as PointsExpired events. The
 * caller reads `at` from its clock, so tests choose it. Returns how many accounts had points expire. The read model
 * may lag behind the streams; an account it lists that has nothing left to expire costs one read.
 */
export async function expireDuePoints(accounts: LoyaltyAccounts, queries: LoyaltyQueries, at: Date): Promise<number> {
  const now = at.toISOString();
  let expired = 0;
  const seen = new Set<string>();
  for (;;) {
    const due = (await queries.accountsWithPointsExpiredBy(now, PER_ROUND)).filter((id) => !seen.has(id));
    if (due.length === 0) return expired;
    for (const customerId of due) {
      seen.add(customerId);
      const { events } = await accounts.execute({ type: 'ExpirePoints', data: { customerId, now } });
      if (events.length > 0) expired++;
    }
  }
}
