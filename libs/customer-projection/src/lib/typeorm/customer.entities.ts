import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Touchpoint } from '@cdp/events';
import type { CustomerProfile } from '@cdp/profile';
import { CUSTOMER_PROJECTION } from '../customer-schema';

/** The customer projection's tables as TypeORM reads them; the projector writes them in bulk SQL. */
@Entity({ schema: CUSTOMER_PROJECTION, name: 'profiles' })
export class ProfileRow {
  @PrimaryColumn('text', { name: 'customer_id' }) customerId!: string;
  @Column('json') profile!: CustomerProfile;
}

@Entity({ schema: CUSTOMER_PROJECTION, name: 'identity_customers' })
export class IdentityCustomerRow {
  @PrimaryColumn('text', { name: 'customer_id' }) customerId!: string;
  @Column('text', { name: 'first_seen_at' }) firstSeenAt!: string;
  @Column('text', { name: 'first_event_id' }) firstEventId!: string;
  @Column('text', { array: true }) identifiers!: string[];
}

@Entity({ schema: CUSTOMER_PROJECTION, name: 'identity_owners' })
export class IdentityOwnerRow {
  @PrimaryColumn('text') identifier!: string;
  @Column('text', { name: 'customer_id' }) customerId!: string;
  /** Grows with every change of owner (one sequence for every schema): how the analytics copy follows. */
  @Column('bigint') version!: string;
}

@Entity({ schema: CUSTOMER_PROJECTION, name: 'identity_conflicts' })
export class IdentityConflictRow {
  @PrimaryColumn('text', { name: 'event_id' }) eventId!: string;
  @PrimaryColumn('text') identifier!: string;
  @Column('text') reason!: string;
  @Column('text', { name: 'customer_id' }) customerId!: string;
  @Column('text', { name: 'conflicting_customer_id', nullable: true }) conflictingCustomerId!: string | null;
  @Column('text', { name: 'occurred_at' }) occurredAt!: string;
}

/** A touchpoint with the customer it belongs to now: the timeline, and the identity attribution. */
@Entity({ schema: CUSTOMER_PROJECTION, name: 'touchpoints' })
export class TimelineRow {
  @PrimaryColumn('text', { name: 'event_id' }) eventId!: string;
  @Column('text', { name: 'customer_id' }) customerId!: string;
  @Column('text', { name: 'occurred_at' }) occurredAt!: string;
  @Column('text') type!: string;
  @Column('text', { nullable: true }) channel!: string | null;
  @Column('json') touchpoint!: Touchpoint;
}

export const CUSTOMER_ENTITIES = [ProfileRow, IdentityCustomerRow, IdentityOwnerRow, IdentityConflictRow, TimelineRow];
