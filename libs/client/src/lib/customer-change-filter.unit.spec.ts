import fc from 'fast-check';
import { CUSTOMER_CHANGE_TYPES, isWanted, type CustomerChange } from '@cdp/feed';
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

  it('keeps every type for an empty list of types, as for none (the SSE transport sends no types then)', () => {
    for (const type of CUSTOMER_CHANGE_TYPES) expect(matchesFilter({ ...segmentChange, type }, { types: [] })).toBe(true);
  });
});

describe("matchesFilter and the platform's SSE filter", () => {
  it('agree on every change and filter: the client filters Kafka changes as the platform filters SSE', () => {
    const segments = fc.constantFrom('Champions', 'Loyal', 'At Risk');
    const change = fc.record({
      type: fc.constantFrom(...CUSTOMER_CHANGE_TYPES),
      state: fc.option(segments.map((segment) => ({ ...segmentChange.state!, rfm: { ...segmentChange.state!.rfm!, segment } })), { nil: null }),
      segment: fc.option(fc.record({ from: fc.option(segments, { nil: null }), to: fc.option(segments, { nil: null }) }), { nil: null }),
    });
    const filter = fc.record({ types: fc.option(fc.subarray([...CUSTOMER_CHANGE_TYPES], { minLength: 1 }), { nil: null }), segment: fc.option(segments, { nil: null }) });
    fc.assert(
      fc.property(change, filter, (generated, { types, segment }) => {
        const full = { ...segmentChange, ...generated } as CustomerChange;
        const clientFilter = { ...(types === null ? {} : { types }), ...(segment === null ? {} : { segment }) };
        expect(matchesFilter(full, clientFilter)).toBe(isWanted({ types, segment }, full));
      }),
      { numRuns: 500 },
    );
  });
});
