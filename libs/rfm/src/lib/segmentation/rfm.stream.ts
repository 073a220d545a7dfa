import { streamId } from '@cdp/events';

/** The stream of a customer's segment changes: "customer_segment-<customerId>". */
export function customerSegmentStreamId(customerId: string): string {
  return streamId('customer_segment', customerId);
}
