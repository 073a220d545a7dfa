import { currentStandingsOf } from '@cdp/analytics';
import { CUSTOMER_PROJECTION, loadProfiles, survivorsOf } from '@cdp/customer-projection';
import type { CustomerFeedSources, CustomerReading } from '@cdp/customer-feed';
import { initialLoyaltyAccount, loyaltyBalance, nextBalanceChangeAt, type LoyaltyProgram } from '@cdp/loyalty';
import { LoyaltyQueries } from '@cdp/loyalty-accounts';
import { visibleProfile } from '@cdp/profile';

/**
 * A customer's feed view is the profile as the query API shows it (with its loyalty summary) and
 * its RFM standing; a merged id shows only its survivor.
 */
export function customerFeedSources(program: LoyaltyProgram): CustomerFeedSources {
  return {
    async read(db, customerIds, now) {
      const at = now.toISOString();
      // One after another: `db` is one connection (the builder's transaction), which runs one query at a time.
      const profiles = await loadProfiles(db, CUSTOMER_PROJECTION, customerIds);
      const accounts = await new LoyaltyQueries(db).accounts(customerIds);
      const standings = await currentStandingsOf(db, customerIds);
      const survivors = await survivorsOf(db, CUSTOMER_PROJECTION, customerIds.filter((id) => !profiles.has(id)));
      const readings = new Map<string, CustomerReading>();
      for (const id of customerIds) {
        const profile = profiles.get(id);
        if (profile !== undefined) {
          const account = accounts.get(id) ?? initialLoyaltyAccount(id);
          const { available, tier } = loyaltyBalance(account, program, at);
          readings.set(id, {
            view: { mergedInto: null, profile: visibleProfile(profile), loyalty: { available, tier: tier.name }, rfm: standings.get(id) ?? null },
            reviewAt: nextBalanceChangeAt(account, program, at),
          });
          continue;
        }
        const survivor = survivors.get(id);
        readings.set(id, { view: survivor === undefined || survivor === id ? null : { mergedInto: survivor, profile: null, loyalty: null, rfm: null }, reviewAt: null });
      }
      return readings;
    },
  };
}
