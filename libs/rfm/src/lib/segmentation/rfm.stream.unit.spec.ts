import { parseStreamId } from '@cdp/events';
import { customerSegmentStreamId } from './rfm.stream';

describe('the customer segment stream id', () => {
  it('is the customer_segment stream of the customer', () => {
    expect(customerSegmentStreamId('c-42')).toBe('customer_segment-c-42');
    expect(parseStreamId(customerSegmentStreamId('c-42'))).toEqual({ category: 'customer_segment', id: 'c-42' });
  });
});
