import type { Touchpoint } from '@cdp/events';
import type { CustomerProfile } from '@cdp/profile';
import { quoteIdentifier, type SqlExecutor } from '@cdp/sql';
import { CUSTOMER_PROJECTION } from './customer.projection';
import { survivingCustomerId } from './identity-store';

export interface IdentityConflict {
  /** The touchpoint that would have merged or linked. */
  readonly eventId: string;
  readonly identifier: string;
  /** IDENTITY.DIFFERENT_CUSTOMER_IDS or IDENTITY.TOO_MANY_VALUES */
  readonly reason: string;
  /** Where the touchpoint landed. */
  readonly customerId: string;
  /** The customer it was not merged with; null when a new link was refused. */
  readonly conflictingCustomerId: string | null;
  readonly occurredAt: string;
}

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

  /** Merges and links the identity guardrails refused, newest first. */
  async identityConflicts(limit: number): Promise<IdentityConflict[]> {
    const { rows } = await this.db.query<{ event_id: string; identifier: string; reason: string; customer_id: string; conflicting_customer_id: string | null; occurred_at: string }>(
      `SELECT * FROM ${this.s}.identity_conflicts ORDER BY occurred_at DESC, event_id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      identifier: r.identifier,
      reason: r.reason,
      customerId: r.customer_id,
      conflictingCustomerId: r.conflicting_customer_id,
      occurredAt: r.occurred_at,
    }));
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
