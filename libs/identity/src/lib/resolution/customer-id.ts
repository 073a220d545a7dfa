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

/** The event id of the touchpoint a customer id was made from (the inverse of customerIdFor), if it is one. */
export function startingEventIdOf(customerId: string): string | undefined {
  const hex = /^cus_([0-9a-f]{32})$/.exec(customerId)?.[1];
  return hex && `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
