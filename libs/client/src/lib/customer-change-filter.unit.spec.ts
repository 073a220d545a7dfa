import type { CustomerChange } from '@cdp/feed';
import { matchesFilter } from './customer-change-filter';
import { segmentChange } from './kafka/customer-change.fixture';

describe('matchesFilter', () => {
  const movedTo = (to: string, from: string): CustomerChange => ({
    ...segmentChange,
    segment: { from, to },
    state: { ...segmentChange.state!, rfm: { ...segmentChange.state!.rfm!, segment: to } },
  });

  it("keeps a segment's changes, and those that take a customer out of it, as the platform's SSE filter does", () => {
    const champions = { segment: 'Champions' };
    expect(matchesFilter(movedTo('Champions', 'Loyal'), champions)).toBe(true);
    expect(matchesFilter(movedTo('Loyal', 'Champions'), champions)).toBe(true);
    expect(matchesFilter(movedTo('Loyal', 'At Risk'), champions)).toBe(false);
    expect(matchesFilter({ ...segmentChange, type: 'CustomerMerged', segment: null, mergedInto: 'cus_2', state: null }, champions)).toBe(true);
    expect(matchesFilter({ ...segmentChange, type: 'CustomerForgotten', segment: null, state: null }, champions)).toBe(true);
    expect(matchesFilter(movedTo('Loyal', 'Champions'), { types: ['ProfileChanged'], segment: 'Champions' })).toBe(false);
  });
});
