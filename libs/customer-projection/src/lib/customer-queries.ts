import type { Touchpoint } from '@cdp/events';
import type { CustomerProfile } from '@cdp/profile';
import { quoteIdentifier, type SqlExecutor } from '@cdp/sql';
import { CUSTOMER_PROJECTION } from './customer.projection';
import { survivingCustomerId } from './identity-store';

/** Reads of the customer projection's live tables, for the query API. */
export class CustomerQueries {
  private readonly s = quoteIdentifier(CUSTOMER_PROJECTION);

  constructor(private readonly db: SqlExecutor) {}

  /** The live profile a customer id stands for, following merges. */
  async profile(customerId: string): Promise<CustomerProfile | undefined> {
    const survivor = await survivingCustomerId(this.db, CUSTOMER_PROJECTION, customerId);
    if (!survivor) return undefined;
    const { rows } = await this.db.query<{ profile: CustomerProfile }>(`SELECT profile FROM ${this.s}.profiles WHERE customer_id = $1`, [survivor]);
    return rows[0]?.profile;
  }

  /** The customer an identifier ("email:a@b.co") belongs to now. */
  async customerIdOf(identifierKey: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ customer_id: string }>(`SELECT customer_id FROM ${this.s}.identity_owners WHERE identifier = $1`, [identifierKey]);
    return rows[0]?.customer_id;
  }

  /** The customer's touchpoints, newest first, including those of customers merged into it. */
  async timeline(profile: CustomerProfile, limit: number): Promise<Touchpoint[]> {
    const { rows } = await this.db.query<{ touchpoint: Touchpoint }>(
      `SELECT touchpoint FROM ${this.s}.touchpoints WHERE customer_id = ANY($1::text[]) ORDER BY occurred_at DESC, event_id DESC LIMIT $2`,
      [[profile.customerId, ...profile.mergedFrom], limit],
    );
    return rows.map((r) => r.touchpoint);
  }
}
