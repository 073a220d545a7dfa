import type { Identifiers } from '@cdp/events';

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
  };
}

export type IdentityCommand = ResolveTouchpoint;

export function resolveTouchpoint(touchpoint: { readonly eventId: string; readonly occurredAt: string; readonly identifiers: Identifiers }): ResolveTouchpoint {
  return { type: 'ResolveTouchpoint', data: { eventId: touchpoint.eventId, occurredAt: touchpoint.occurredAt, identifiers: touchpoint.identifiers } };
}
