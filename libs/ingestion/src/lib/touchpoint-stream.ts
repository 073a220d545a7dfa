import { streamId } from '@cdp/events';

/** The log stream of a customer key ("email:a@b.co"): one customer's touchpoints, in order. */
export function touchpointStreamId(customerKey: string): string {
  return streamId('touchpoints', customerKey);
}
