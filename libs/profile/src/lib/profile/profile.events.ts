import type { Touchpoint } from '@cdp/events';
import type { CustomerCreated, IdentifierLinked } from '@cdp/identity';

/**
 * A touchpoint, attributed by the identity rules to `customerId`. The runtime applies each
 * touchpoint once per customer: the identity attributions are what make it idempotent.
 */
export interface TouchpointRecorded {
  readonly type: 'TouchpointRecorded';
  readonly data: {
    readonly customerId: string;
    readonly touchpoint: Touchpoint;
    /**
     * The channel it counts for, read by the runtime as the type's manifest says (a payload field
     * or a fixed value, see `channelOf`); null when the type names none. So types registered later
     * count without a code change.
     */
    readonly channel: string | null;
  };
}

/**
 * A touchpoint that landed on another customer named `identifier`, which this customer holds and
 * the identity guardrails kept apart (an identity conflict): its withdrawals of consent reach this
 * customer too (see `contentOfWithdrawals`). It counts in nothing else.
 */
export interface ConsentWithdrawnVia {
  readonly type: 'ConsentWithdrawnVia';
  readonly data: {
    readonly customerId: string;
    readonly identifier: string;
    readonly touchpoint: Touchpoint;
  };
}

/**
 * What the profile is folded from: the identity events that found a customer and link its
 * identifiers (as the identity rules emit them), and the touchpoints attributed to it.
 * Merges are not events of the profile: the runtime applies them with `mergeProfiles` and `markMerged`.
 */
export type ProfileEvent = CustomerCreated | IdentifierLinked | TouchpointRecorded | ConsentWithdrawnVia;

/** The event types the profile projection handles. */
export const PROFILE_EVENT_TYPES: readonly ProfileEvent['type'][] = ['CustomerCreated', 'IdentifierLinked', 'TouchpointRecorded', 'ConsentWithdrawnVia'];

export function touchpointRecorded(customerId: string, touchpoint: Touchpoint, channel: string | null): TouchpointRecorded {
  return { type: 'TouchpointRecorded', data: { customerId, touchpoint, channel } };
}

export function consentWithdrawnVia(customerId: string, identifier: string, touchpoint: Touchpoint): ConsentWithdrawnVia {
  return { type: 'ConsentWithdrawnVia', data: { customerId, identifier, touchpoint } };
}
