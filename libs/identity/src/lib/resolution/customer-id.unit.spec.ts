import fc from 'fast-check';
import { customerIdFor, startingEventIdOf } from './customer-id';

describe('customer ids', () => {
  it('lead back to the touchpoint they were made from', () => {
    fc.assert(fc.property(fc.uuid(), (eventId) => expect(startingEventIdOf(customerIdFor(eventId))).toBe(eventId.toLowerCase())));
  });

  it('give nothing for ids that were not made from a touchpoint', () => {
    expect(startingEventIdOf('cus_nobody')).toBeUndefined();
    expect(startingEventIdOf('c-42')).toBeUndefined();
  });
});
