import type { DataSource } from 'typeorm';
import type { Touchpoint } from '@cdp/events';
import { startingEventIdOf } from '@cdp/identity';
import type { CustomerProfile } from '@cdp/profile';
import { OUTBOX_TABLE } from '@cdp/projections';
import { pageOf, quoteIdentifier, type Page } from '@cdp/sql';
import { CUSTOMER_PROJECTION } from './customer-schema';
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

/** Where a page of a timeline ended: the occurredAt and event id of its last touchpoint. */
export type TimelinePosition = readonly [occurredAt: string, eventId: string];
/** Where a page of identity conflicts ended. */
export type ConflictPosition = readonly [occurredAt: string, eventId: string, identifier: string];

/** Reads of the customer projection's live tables, for the query API (TypeORM). */
export class CustomerQueries {
  constructor(private readonly db: DataSource) {}

  /** The live profile a customer id stands for, following merges. */
  async profile(customerId: string): Promise<CustomerProfile | undefined> {
    const survivor = await this.survivorOf(customerId);
    const row = survivor && (await this.db.getRepository(ProfileRow).findOneBy({ customerId: survivor }));
    // Any touchpoint's id makes a customer id of that form; only one that started a customer, since merged, names one.
    return row && (survivor === customerId || row.profile.mergedFrom.includes(customerId)) ? row.profile : undefined;
  }

  /** The customer an identifier ("email:a@b.co") belongs to now. */
  async customerIdOf(identifierKey: string): Promise<string | undefined> {
    return (await this.db.getRepository(IdentityOwnerRow).findOneBy({ identifier: identifierKey }))?.customerId;
  }

  /** Merges and links the identity guardrails refused, newest first, after `before` when given. */
  async identityConflicts(limit: number, before?: ConflictPosition): Promise<Page<IdentityConflict, ConflictPosition>> {
    const query = this.db.getRepository(IdentityConflictRow).createQueryBuilder('c');
    if (before) query.where('(c.occurredAt, c.eventId, c.identifier) < (:occurredAt, :eventId, :identifier)', { occurredAt: before[0], eventId: before[1], identifier: before[2] });
    const rows = await query.orderBy('c.occurredAt', 'DESC').addOrderBy('c.eventId', 'DESC').addOrderBy('c.identifier', 'DESC').limit(limit + 1).getMany();
    return pageOf(rows, limit, ({ eventId, identifier, reason, customerId, conflictingCustomerId, occurredAt }) => ({ eventId, identifier, reason, customerId, conflictingCustomerId, occurredAt }), (c) => [c.occurredAt, c.eventId, c.identifier]);
  }

  /** The customer's touchpoints, newest first (touchpoints always name the customer they belong to now). */
  async timeline(profile: CustomerProfile, limit: number, before?: TimelinePosition): Promise<Page<Touchpoint, TimelinePosition>> {
    const query = this.db.getRepository(TimelineRow).createQueryBuilder('t').where('t.customerId = :customerId', { customerId: profile.customerId });
    if (before) query.andWhere('(t.occurredAt, t.eventId) < (:occurredAt, :eventId)', { occurredAt: before[0], eventId: before[1] });
    const rows = await query.orderBy('t.occurredAt', 'DESC').addOrderBy('t.eventId', 'DESC').limit(limit + 1).getMany();
    return pageOf(rows, limit, (r) => r.touchpoint, (r) => [r.occurredAt, r.eventId]);
  }

  /**
   * Which of `ids` a merge names that the customers projection committed but has not yet published
   * to the event store (its outbox): loyalty has not heard of them, and merges their accounts after.
   */
  async mergesAwaitingPublication(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.db.query(
      `SELECT data->>'from' AS id FROM ${quoteIdentifier(CUSTOMER_PROJECTION)}.${OUTBOX_TABLE} WHERE type = 'CustomerMerged' AND data->>'from' = ANY($1::text[])`,
      [ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Only live customers have rows; every customer id is "cus_" + the id of the touchpoint that
   * started it, so a merged id is found through that touchpoint's timeline row (the survivor's
   * `mergedFrom` then says whether it did start a customer).
   */
  private async survivorOf(customerId: string): Promise<string | undefined> {
    if (await this.db.getRepository(IdentityCustomerRow).existsBy({ customerId })) return customerId;
    const eventId = startingEventIdOf(customerId);
    return eventId && (await this.db.getRepository(TimelineRow).findOne({ select: { customerId: true }, where: { eventId } }))?.customerId;
  }
}

