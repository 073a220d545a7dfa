import { feedEventId, InvalidFeedSubscriptionError, isWanted, parseFeedSubscription } from './feed-subscription';
import type { CustomerChange } from './customer-feed.contract';

const SEGMENTS = ['Champions', 'At Risk', "Can't Lose Them"];

const problemsOf = (query: Record<string, unknown>, header?: string) => {
  try {
    parseFeedSubscription(query, header, SEGMENTS);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFeedSubscriptionError);
    return (error as InvalidFeedSubscriptionError).details;
  }
  throw new Error('expected the subscription to be refused');
};

describe('parseFeedSubscription', () => {
  it('starts from now with every type when nothing is asked', () => {
    expect(parseFeedSubscription({}, undefined, SEGMENTS)).toEqual({ types: null, segment: null, from: 'now' });
  });

  it('reads types, segment and from', () => {
    expect(parseFeedSubscription({ types: 'CustomerCreated, CustomerMerged', segment: 'Champions', from: 'start' }, undefined, SEGMENTS)).toEqual({
      types: ['CustomerCreated', 'CustomerMerged'],
      segment: 'Champions',
      from: 'start',
    });
  });

  it('resumes after the Last-Event-ID header, which wins over from and the query parameter', () => {
    expect(parseFeedSubscription({ from: 'start', lastEventId: '1:1' }, '812:40', SEGMENTS).from).toEqual({ after: '812:40' });
    expect(parseFeedSubscription({ lastEventId: '1:2' }, undefined, SEGMENTS).from).toEqual({ after: '1:2' });
    expect(parseFeedSubscription({}, '812:40:0a1b2c3d', SEGMENTS).from).toEqual({ after: '812:40', check: '0a1b2c3d' });
    expect(feedEventId('812:40', '0A1B2C3D-0000-4000-8000-000000000000')).toBe('812:40:0a1b2c3d');
  });

  it('reports every problem by field', () => {
    expect(problemsOf({ types: 'CustomerCreated,Bought', from: 'yesterday', segment: ' ' }, 'abc')).toEqual([
      { field: 'types', value: 'Bought', message: expect.stringContaining('unknown change type; use CustomerCreated, ProfileChanged') },
      { field: 'segment', value: ' ', message: "unknown RFM segment; the segments are Champions, At Risk, Can't Lose Them" },
      { field: 'from', value: 'yesterday', message: 'use start or now (or resume with Last-Event-ID)' },
      { field: 'Last-Event-ID', value: 'abc', message: expect.stringContaining('not an event id of this feed') },
    ]);
    expect(problemsOf({ types: ['CustomerCreated', 'ProfileChanged'] })).toEqual([{ field: 'types', value: 'CustomerCreated,ProfileChanged', message: 'give it once' }]);
    expect(problemsOf({ segmnet: 'Champions' })).toEqual([
      { field: 'segmnet', value: 'Champions', message: 'is not a parameter of the feed; its parameters are types, segment, from, lastEventId' },
    ]);
    expect(problemsOf({ segment: 'Champs' })).toEqual([{ field: 'segment', value: 'Champs', message: "unknown RFM segment; the segments are Champions, At Risk, Can't Lose Them" }]);
    expect(problemsOf({ types: ',' })).toEqual([{ field: 'types', value: ',', message: expect.stringContaining('name at least one change type') }]);
  });

  it('refuses an event id whose numbers are beyond the log\'s, and takes a check in capitals as written in small letters', () => {
    for (const id of ['700:99999999999999999999', '700:9223372036854775808:abcdef12', '9223372036854775808:1']) {
      expect(() => parseFeedSubscription({}, id, SEGMENTS)).toThrow('Last-Event-ID: not an event id of this feed');
    }
    expect(parseFeedSubscription({}, '9223372036854775807:1', SEGMENTS).from).toEqual({ after: '9223372036854775807:1' });
    expect(parseFeedSubscription({}, '828:263:CE02E8A4', SEGMENTS).from).toEqual({ after: '828:263', check: 'ce02e8a4' });
  });
});

describe('isWanted', () => {
  const change = (type: CustomerChange['type'], segment: string | null, from: string | null = null) =>
    ({ type, state: segment === null ? null : { rfm: { segment } }, segment: type === 'CustomerSegmentChanged' ? { from, to: segment } : null }) as unknown as CustomerChange;

  it('keeps the asked types of customers in the asked segment', () => {
    const subscription = { types: ['CustomerSegmentChanged' as const], segment: 'Champions' };
    expect(isWanted(subscription, change('CustomerSegmentChanged', 'Champions'))).toBe(true);
    expect(isWanted(subscription, change('CustomerSegmentChanged', 'Lost'))).toBe(false);
    expect(isWanted(subscription, change('ProfileChanged', 'Champions'))).toBe(false);
    expect(isWanted({ types: null, segment: null }, change('CustomerForgotten', null))).toBe(true);
  });

  it("gives a segment's subscriber what takes a customer out of it: a move away, a merge, an erasure", () => {
    const champions = { types: null, segment: 'Champions' };
    expect(isWanted(champions, change('CustomerSegmentChanged', 'Loyal Customers', 'Champions'))).toBe(true);
    expect(isWanted(champions, change('CustomerSegmentChanged', 'Loyal Customers', 'At Risk'))).toBe(false);
    expect(isWanted(champions, change('ProfileChanged', 'Loyal Customers'))).toBe(false);
    expect(isWanted(champions, change('CustomerMerged', null))).toBe(true);
    expect(isWanted(champions, change('CustomerForgotten', null))).toBe(true);
  });

  it("gives a segment's subscriber of ProfileChanged alone the one that takes a customer out of it, which says where the segment moved from", () => {
    const profilesOfChampions = { types: ['ProfileChanged' as const], segment: 'Champions' };
    const leaving = { ...change('ProfileChanged', 'Loyal Customers'), segment: { from: 'Champions', to: 'Loyal Customers' } } as CustomerChange;
    expect(isWanted(profilesOfChampions, leaving)).toBe(true);
    expect(isWanted(profilesOfChampions, { ...leaving, segment: { from: 'At Risk', to: 'Loyal Customers' } } as CustomerChange)).toBe(false);
  });
});
