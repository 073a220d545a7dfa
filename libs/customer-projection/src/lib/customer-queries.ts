import type { DataSource } from 'typeorm';
import type { Touchpoint } from '@cdp/events';
import { startingEventIdOf } from '@cdp/identity';
import type { CustomerProfile } from '@cdp/profile';
import { IdentityConflictRow, IdentityCustomerRow, IdentityOwnerRow, ProfileRow, TimelineRow } from './typeorm/customer.entities';

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

/** Reads of the customer projection's live tables, for the query API (TypeORM). */
export class CustomerQueries {
  constructor(private readonly db: DataSource) {}

  /** The live profile a customer id stands for, following merges. */
  async profile(customerId: string): Promise<CustomerProfile | undefined> {
    const survivor = await this.survivorOf(customerId);
    const row = survivor && (await this.db.getRepository(ProfileRow).findOneBy({ customerId: survivor }));
    return row ? row.profile : undefined;
  }

  /** The customer an identifier ("email:a@b.co") belongs to now. */
  async customerIdOf(identifierKey: string): Promise<string | undefined> {
    return (await this.db.getRepository(IdentityOwnerRow).findOneBy({ identifier: identifierKey }))?.customerId;
  }

  /** Merges and links the identity guardrails refused, newest first. */
  async identityConflicts(limit: number): Promise<IdentityConflict[]> {
    const rows = await this.db.getRepository(IdentityConflictRow).find({ order: { occurredAt: 'DESC', eventId: 'DESC' }, take: limit });
    return rows.map(({ eventId, identifier, reason, customerId, conflictingCustomerId, occurredAt }) => ({ eventId, identifier, reason, customerId, conflictingCustomerId, occurredAt }));
  }

  /** The customer's touchpoints, newest first (touchpoints always name the customer they belong to now). */
  async timeline(profile: CustomerProfile, limit: number): Promise<Touchpoint[]> {
    const rows = await this.db.getRepository(TimelineRow).find({ where: { customerId: profile.customerId }, order: { occurredAt: 'DESC', eventId: 'DESC' }, take: limit });
    return rows.map((r) => r.touchpoint);
  }

  /**
   * Only live customers have rows; every customer id is "cus_" + the id of the touchpoint that
   * started it, so a merged id is found through that touchpoint's timeline row.
   */
  private async survivorOf(customerId: string): Promise<string | undefined> {
    if (await this.db.getRepository(IdentityCustomerRow).existsBy({ customerId })) return customerId;
    const eventId = startingEventIdOf(customerId);
    return eventId && (await this.db.getRepository(TimelineRow).findOne({ select: { customerId: true }, where: { eventId } }))?.customerId;
  }
}

