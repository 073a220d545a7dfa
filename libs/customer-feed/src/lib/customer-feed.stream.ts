import { deterministicEventId } from '@cdp/event-log';
import { streamId } from '@cdp/events';

/** A customer's changes, in the feed's log: the stream position is the version less one. */
export function customerFeedStreamId(customerId: string): string {
  return streamId('customer', customerId);
}

/** The same customer and version always get the same id: a repeat is recognised as one. */
export function customerChangeEventId(customerId: string, version: number): string {
  return deterministicEventId('CustomerChange', customerId, String(version));
}
