import { emptyProfile, type CustomerProfile, type ProfileContent } from './customer-profile';
import { contentOfCustomerCreated, contentOfIdentifier, contentOfTouchpoint, contentOfWithdrawals } from './event-content';
import type { ProfileEvent } from './profile.events';
import { ProfileMergedError, WrongCustomerError } from './profile.errors';
import { joinContent } from './profile-content';

/**
 * The unified profile projection: the profile with one more event applied. `null` is the profile
 * of a customer nothing was applied to yet, whatever event comes first.
 *
 * The content is the same for any order of the same events (latest by occurredAt wins, not the
 * latest to arrive; ties broken by event id), because each event's content is joined in by rules
 * that are commutative and associative (`joinContent`). `version` grows by one per event.
 *
 * Idempotency: facts with provenance, identifiers, first and last seen are unchanged by applying an
 * event again, but counts and sums are not; the runtime applies each touchpoint once per customer,
 * as the identity attributions say.
 *
 * Throws `WrongCustomerError` for an event of another customer, `ProfileMergedError` when the
 * profile was merged (apply the event to the survivor), `InvalidProfileEventError` for an event
 * the rules cannot read.
 */
export function evolveProfile(profile: CustomerProfile | null, event: ProfileEvent): CustomerProfile {
  const current = profile ?? emptyProfile(event.data.customerId);
  if (current.customerId !== event.data.customerId) throw new WrongCustomerError(current.customerId, event.data.customerId, event.type);
  if (current.mergedInto !== null) throw new ProfileMergedError(current.customerId, current.mergedInto, `its ${event.type}`);
  return { ...current, ...joinContent(current, contentOf(event)), version: current.version + 1 };
}

function contentOf(event: ProfileEvent): ProfileContent {
  switch (event.type) {
    case 'CustomerCreated':
      return contentOfCustomerCreated(event.data.firstSeenAt, event.data.firstEventId);
    case 'IdentifierLinked':
      return contentOfIdentifier(event.data.identifier, event.data.eventId);
    case 'TouchpointRecorded':
      return contentOfTouchpoint(event.data.touchpoint, event.data.channel);
    case 'ConsentWithdrawnVia':
      return contentOfWithdrawals(event.data.touchpoint);
    default: {
      const unknown: never = event;
      throw new Error(`unknown profile event ${JSON.stringify(unknown)}`);
    }
  }
}
