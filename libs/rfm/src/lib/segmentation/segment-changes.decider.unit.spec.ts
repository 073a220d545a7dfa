import fc from 'fast-check';
import type { CustomerSegmentChanged } from './rfm.events';
import type { RfmScore } from './rfm-segment-grid';
import { becomesCurrent, decideSegmentChanges, evolveCustomerSegment, initialCustomerSegment, type SegmentChangesInput } from './segment-changes.decider';

const RUN = { runId: 'run-2', asOf: '2026-11-20T10:00:00.000Z', windowDays: 365 } as const;

type Current = SegmentChangesInput['current'][number];
const scored = (customerId: string, segment: string, r: RfmScore = 3, f: RfmScore = 3, m: RfmScore = 3): Current => ({ customerId, segment, r, f, m });

/** Given the segments of the run before, when this run scored these customers, then the run records... */
const given = (previous: Record<string, string>) => ({
  when: (...current: Current[]) => ({
    then: (expected: CustomerSegmentChanged[]) => expect(decideSegmentChanges({ ...RUN, current }, new Map(Object.entries(previous)))).toEqual(expected),
  }),
});

const changed = (data: Partial<CustomerSegmentChanged['data']> & Pick<CustomerSegmentChanged['data'], 'customerId'>): CustomerSegmentChanged => ({
  type: 'CustomerSegmentChanged',
  data: { previousSegment: null, segment: null, r: null, f: null, m: null, ...RUN, ...data },
});

describe('segment changes of an RFM run', () => {
  it('records nothing for a customer in the same segment, even when its scores moved', () => {
    given({ c1: 'Champions' })
      .when(scored('c1', 'Champions', 5, 4, 5))
      .then([]);
  });

  it('records a customer that moved to another segment, with its new scores', () => {
    given({ c1: 'Champions' })
      .when(scored('c1', 'At Risk', 2, 4, 3))
      .then([changed({ customerId: 'c1', previousSegment: 'Champions', segment: 'At Risk', r: 2, f: 4, m: 3 })]);
  });

  it('records a customer that entered the population, from no segment', () => {
    given({})
      .when(scored('c1', 'New Customers', 5, 1, 1))
      .then([changed({ customerId: 'c1', previousSegment: null, segment: 'New Customers', r: 5, f: 1, m: 1 })]);
  });

  it('records a customer that left the population, into no segment and without scores', () => {
    given({ c1: 'Lost' })
      .when()
      .then([changed({ customerId: 'c1', previousSegment: 'Lost', segment: null })]);
  });

  it('records the run that decided it: its id, asOf and window', () => {
    const [event] = decideSegmentChanges({ runId: 'r-all', asOf: RUN.asOf, windowDays: 'all', current: [scored('c1', 'Lost')] }, new Map());
    expect(event.data).toMatchObject({ runId: 'r-all', asOf: RUN.asOf, windowDays: 'all' });
  });

  it('lists the changes by customer id', () => {
    given({ b: 'Lost', d: 'Champions', e: 'Promising' })
      .when(scored('e', 'Promising'), scored('c', 'Lost'), scored('a', 'Lost'), scored('b', 'At Risk'))
      .then([
        changed({ customerId: 'a', segment: 'Lost', r: 3, f: 3, m: 3 }),
        changed({ customerId: 'b', previousSegment: 'Lost', segment: 'At Risk', r: 3, f: 3, m: 3 }),
        changed({ customerId: 'c', segment: 'Lost', r: 3, f: 3, m: 3 }),
        changed({ customerId: 'd', previousSegment: 'Champions' }),
      ]);
  });

  it('refuses a population that holds a customer twice', () => {
    expect(() => decideSegmentChanges({ ...RUN, current: [scored('c1', 'Lost'), scored('c1', 'Champions')] }, new Map())).toThrow(
      expect.objectContaining({ code: 'RFM.INVALID_MEASURES' }),
    );
  });

  it('decides the same events whatever the order of the population and of the previous segments', () => {
    const segment = fc.constantFrom('Champions', 'Lost', 'At Risk');
    const entry = fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), segment);
    const segments = fc.uniqueArray(entry, { selector: ([id]) => id, maxLength: 6 });
    const shuffled = <T>(items: T[]) => fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
    const scenario = fc.tuple(segments, segments).chain(([now, before]) => fc.tuple(fc.constant(now), fc.constant(before), shuffled(now), shuffled(before)));
    fc.assert(
      fc.property(scenario, ([now, before, nowShuffled, beforeShuffled]) => {
        const decide = (current: [string, string][], previous: [string, string][]) =>
          decideSegmentChanges({ ...RUN, current: current.map(([id, s]) => scored(id, s)) }, new Map(previous));
        const events = decide(now, before);
        expect(decide(nowShuffled, beforeShuffled)).toEqual(events);
        const ids = events.map((e) => e.data.customerId);
        expect(ids).toEqual([...ids].sort());
        // Replaying the events onto the previous segments gives this run's segments.
        const replayed = new Map<string, string>(before);
        for (const e of events) {
          const next = evolveCustomerSegment(replayed.get(e.data.customerId) ?? initialCustomerSegment(), e);
          if (next === null) replayed.delete(e.data.customerId);
          else replayed.set(e.data.customerId, next);
        }
        expect(replayed).toEqual(new Map(now));
      }),
      { numRuns: 300 },
    );
  });

  describe("a customer's segment stream", () => {
    it('starts without a segment and holds the segment of its last change', () => {
      const events = [changed({ customerId: 'c1', segment: 'New Customers' }), changed({ customerId: 'c1', previousSegment: 'New Customers', segment: 'Champions' })];
      expect(events.reduce(evolveCustomerSegment, initialCustomerSegment())).toBe('Champions');
      expect(evolveCustomerSegment('Champions', changed({ customerId: 'c1', previousSegment: 'Champions' }))).toBeNull();
    });
  });
});

describe('whether a run becomes the current segments', () => {
  it('does when there are none yet, or when it is as of the current instant or later; not when it is as of an earlier one', () => {
    expect(becomesCurrent('2026-11-01T00:00:00.000Z', undefined)).toBe(true);
    expect(becomesCurrent('2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')).toBe(true);
    expect(becomesCurrent('2026-11-02T00:00:00.000Z', '2026-11-01T00:00:00.000Z')).toBe(true);
    expect(becomesCurrent('2026-10-31T23:59:59.999Z', '2026-11-01T00:00:00.000Z')).toBe(false);
  });

  it('lets the current instant only move forward, whatever the order runs are asked in', () => {
    const instant = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    fc.assert(
      fc.property(fc.array(instant), (asOfs) => {
        let current: string | undefined;
        for (const asOf of asOfs) {
          const before = current;
          if (becomesCurrent(asOf, current)) current = asOf;
          if (before !== undefined) expect(current! >= before).toBe(true);
        }
        expect(current).toBe(asOfs.length === 0 ? undefined : [...asOfs].sort().at(-1));
      }),
    );
  });
});
