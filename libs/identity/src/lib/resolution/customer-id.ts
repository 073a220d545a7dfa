import { isUuid } from '@cdp/events';
import { InvalidIdentityCommandError } from './identity.errors';

/**
 * The id of the customer whose earliest touchpoint (by occurredAt, then event id) is `eventId`.
 * Deriving it from that touchpoint, and not from arrival order, is what makes the ids the same for
 * any arrival order. Event ids are UUIDs, so dropping the dashes keeps distinct ids distinct.
 */
export function customerIdFor(eventId: string): string {
  if (!isUuid(eventId)) throw new InvalidIdentityCommandError(`event id "${eventId}" is not a UUID, so no customer id can be derived from it`);
  return `cus_${eventId.replace(/-/g, '')}`;
}
