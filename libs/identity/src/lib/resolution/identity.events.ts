import type { IdentifierKey } from './identifier-key';

/** A customer begins with its earliest touchpoint, whose event id names it (`customerIdFor`). */
export interface CustomerCreated {
  readonly type: 'CustomerCreated';
  readonly data: {
    readonly customerId: string;
    /** The earliest touchpoint's occurredAt, as an ISO instant in UTC with milliseconds. */
    readonly firstSeenAt: string;
    readonly firstEventId: string;
  };
}

/** The customer holds this identifier from now on; `eventId` is the touchpoint that showed it. */
export interface IdentifierLinked {
  readonly type: 'IdentifierLinked';
  readonly data: {
    readonly customerId: string;
    readonly identifier: IdentifierKey;
    readonly eventId: string;
  };
}

/**
 * `from` turned out to be `into`: its identifiers move to `into`, and `from` stays known as merged
 * into it. `eventId` and `occurredAt` are the touchpoint that joined them.
 */
export interface CustomerMerged {
  readonly type: 'CustomerMerged';
  readonly data: {
    readonly from: string;
    readonly into: string;
    readonly eventId: string;
    readonly occurredAt: string;
  };
}

export const IDENTITY_CONFLICT_REASONS = {
  /** The identifier would join a customer holding one customer id to one holding another. */
  DIFFERENT_CUSTOMER_IDS: 'IDENTITY.DIFFERENT_CUSTOMER_IDS',
  /** The identifier would give the customer more values of a type than the policy allows. */
  TOO_MANY_VALUES: 'IDENTITY.TOO_MANY_VALUES',
} as const;

export type IdentityConflictReason = (typeof IDENTITY_CONFLICT_REASONS)[keyof typeof IDENTITY_CONFLICT_REASONS];

/**
 * A guardrail refused an identifier of a touchpoint: it was not linked and joined nothing. The
 * touchpoint still landed on `customerId`. Operators list these to untangle shared devices,
 * family emails and bad source data by hand.
 */
export interface IdentityConflictRecorded {
  readonly type: 'IdentityConflictRecorded';
  readonly data: {
    readonly eventId: string;
    readonly occurredAt: string;
    /** The refused identifier. */
    readonly identifier: IdentifierKey;
    readonly reason: IdentityConflictReason;
    /** Where the touchpoint landed. */
    readonly customerId: string;
    /** The customer that holds the identifier and was not merged; null when a new link was refused. */
    readonly conflictingCustomerId: string | null;
  };
}

/** The touchpoint belongs to this customer (or, after later merges, to the one it was merged into). */
export interface TouchpointAttributed {
  readonly type: 'TouchpointAttributed';
  readonly data: {
    readonly eventId: string;
    readonly customerId: string;
  };
}

export type IdentityEvent = CustomerCreated | IdentifierLinked | CustomerMerged | IdentityConflictRecorded | TouchpointAttributed;

export const IDENTITY_EVENT_TYPES: readonly IdentityEvent['type'][] = [
  'CustomerCreated',
  'IdentifierLinked',
  'CustomerMerged',
  'IdentityConflictRecorded',
  'TouchpointAttributed',
];
