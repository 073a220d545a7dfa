import type { Identifiers } from '@cdp/events';
import type { IdentifierKey } from './identifier-key';
import type { IdentityConflictReason } from './identity.events';

/** Decide which customer a touchpoint belongs to, linking and merging customers as the rules say. */
export interface ResolveTouchpoint {
  readonly type: 'ResolveTouchpoint';
  readonly data: {
    /** The touchpoint's id; resolving it again decides nothing. */
    readonly eventId: string;
    /** When the touchpoint happened, an ISO 8601 instant. */
    readonly occurredAt: string;
    /** Its normalised identifiers (see `normalizeIdentifiers`). */
    readonly identifiers: Identifiers;
    /**
     * The links refused when this touchpoint was decided before (its recorded conflicts): refused
     * again, whatever the state, so that a rebuild reading the log in another order settles every
     * conflict as that decision did. A touchpoint's first identifier is never refused.
     */
    readonly refusedBefore?: readonly RecordedRefusal[];
  };
}

export interface RecordedRefusal {
  readonly identifier: IdentifierKey;
  readonly reason: IdentityConflictReason;
}

export type IdentityCommand = ResolveTouchpoint;

export function resolveTouchpoint(
  touchpoint: { readonly eventId: string; readonly occurredAt: string; readonly identifiers: Identifiers },
  refusedBefore?: readonly RecordedRefusal[],
): ResolveTouchpoint {
  const { eventId, occurredAt, identifiers } = touchpoint;
  return { type: 'ResolveTouchpoint', data: { eventId, occurredAt, identifiers, ...(refusedBefore?.length ? { refusedBefore } : {}) } };
}
