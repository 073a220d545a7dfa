import fc from 'fast-check';
import type { Touchpoint } from '@cdp/events';
import { emptyProfile, evolveProfile, touchpointRecorded, visibleProfile, type CustomerProfile, type VisibleProfile } from '@cdp/profile';
import { decideCustomerChanges, type CustomerFeedView, type PublishedCustomer } from './customer-changes.decider';

const ID = 'cus_a';
const AT = '2026-11-23T10:00:00.000Z';

function live(changes: Partial<VisibleProfile> = {}, loyalty = { available: 0, tier: 'member' }, segment: string | null = null): CustomerFeedView {
  return { mergedInto: null, profile: { ...visibleProfile(emptyProfile(ID)), ...changes }, loyalty, rfm: segment === null ? null : { segment, r: 3, f: 3, m: 3 } };
}
const merged = (into: string): CustomerFeedView => ({ mergedInto: into, profile: null, loyalty: null, rfm: null });
const published = (version: number, view: CustomerFeedView | null): PublishedCustomer => ({ version, view });
const typesOf = (changes: readonly { type: string; version: number }[]) => changes.map((c) => `${c.type}@${c.version}`);

describe('decideCustomerChanges', () => {
  it('announces a new customer once, at version 1, with its state', () => {
    const [created, ...rest] = decideCustomerChanges(ID, null, live({ touchpoints: 1 }), AT);
    expect(rest).toEqual([]);
    expect(created).toMatchObject({ type: 'CustomerCreated', customerId: ID, version: 1, changedAt: AT, changedFields: [], mergedInto: null, segment: null, tier: null });
    expect(created.state).toEqual({ customerId: ID, version: 1, changedAt: AT, ...live({ touchpoints: 1 }) });
  });

  it('lists the changed fields, keyed maps by key, and numbers on from the published version', () => {
    const before = live({ traits: { firstName: { value: 'Sara', occurredAt: AT, eventId: 'e1', source: 's' } }, touchpoints: 1 });
    const now = live(
      { traits: { firstName: { value: 'Sarah', occurredAt: AT, eventId: 'e2', source: 's' }, city: { value: 'Tehran', occurredAt: AT, eventId: 'e2', source: 's' } }, touchpoints: 2 },
      { available: 30, tier: 'member' },
    );
    const [changed] = decideCustomerChanges(ID, published(4, before), now, AT);
    expect(changed).toMatchObject({ type: 'ProfileChanged', version: 5, changedFields: ['touchpoints', 'traits.city', 'traits.firstName', 'loyalty.available'] });
  });

  it("leaves the profile's own counter of applied events out of the changed fields", () => {
    const [changed] = decideCustomerChanges(ID, published(4, live({ touchpoints: 1, version: 3 })), live({ touchpoints: 2, version: 4 }), AT);
    expect(changed.changedFields).toEqual(['touchpoints']);
    const [counterOnly] = decideCustomerChanges(ID, published(5, live({ touchpoints: 2, version: 4 })), live({ touchpoints: 2, version: 5 }), AT);
    expect(counterOnly).toMatchObject({ type: 'ProfileChanged', version: 6, changedFields: [] });
  });

  it('gives nothing when the view is what was published', () => {
    expect(decideCustomerChanges(ID, published(3, live({ touchpoints: 2 })), live({ touchpoints: 2 }), AT)).toEqual([]);
    expect(decideCustomerChanges(ID, published(3, merged('cus_b')), merged('cus_b'), AT)).toEqual([]);
    expect(decideCustomerChanges(ID, null, null, AT)).toEqual([]);
  });

  it('takes a view whose objects hold their keys in another order (as jsonb stored them) for the same view', () => {
    const now = live({ traits: { firstName: { value: 'Sara', occurredAt: AT, eventId: 'e1', source: 's' } }, touchpoints: 1 }, { available: 30, tier: 'member' });
    const reordered = (value: unknown): unknown =>
      value === null || typeof value !== 'object' || Array.isArray(value) ? value : Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]));
    const stored = reordered(now) as CustomerFeedView;
    expect(JSON.stringify(stored)).not.toBe(JSON.stringify(now));

    expect(decideCustomerChanges(ID, published(4, stored), now, AT)).toEqual([]);
    const [changed] = decideCustomerChanges(ID, published(4, stored), { ...now, profile: { ...now.profile!, touchpoints: 2 } } as CustomerFeedView, AT);
    expect(changed.changedFields).toEqual(['touchpoints']);
  });

  it('gives the segment and the tier their own events, after the profile change that lists them, each with the next version', () => {
    const before = live({ touchpoints: 1 }, { available: 0, tier: 'member' }, 'Promising');
    const now = live({ touchpoints: 2 }, { available: 0, tier: 'silver' }, 'Champions');
    const changes = decideCustomerChanges(ID, published(7, before), now, AT);
    expect(typesOf(changes)).toEqual(['ProfileChanged@8', 'CustomerSegmentChanged@9', 'LoyaltyTierChanged@10']);
    // Its state already holds the new segment and tier: a subscriber of ProfileChanged alone is told.
    expect(changes[0].changedFields).toEqual(['touchpoints', 'loyalty.tier', 'rfm.segment']);
    // A move of the segment or the tier alone is its own event only.
    expect(typesOf(decideCustomerChanges(ID, published(7, before), live({ touchpoints: 1 }, { available: 0, tier: 'silver' }, 'Promising'), AT))).toEqual(['LoyaltyTierChanged@8']);
    expect(changes[1].segment).toEqual({ from: 'Promising', to: 'Champions' });
    expect(changes[2].tier).toEqual({ from: 'member', to: 'silver' });
    // The ProfileChanged that lists them says where they moved from too: a segment's subscriber of ProfileChanged alone sees a customer leave.
    expect(changes[0]).toMatchObject({ segment: { from: 'Promising', to: 'Champions' }, tier: { from: 'member', to: 'silver' } });
    const [untouched] = decideCustomerChanges(ID, published(7, before), live({ touchpoints: 2 }, { available: 0, tier: 'member' }, 'Promising'), AT);
    expect(untouched).toMatchObject({ type: 'ProfileChanged', segment: null, tier: null });
    expect(changes.map((c) => c.state!.version)).toEqual([8, 9, 10]);
  });

  it('announces the first segment of a new customer after its creation', () => {
    expect(typesOf(decideCustomerChanges(ID, null, live({}, undefined, 'New Customers'), AT))).toEqual(['CustomerCreated@1', 'CustomerSegmentChanged@2']);
  });

  it('says where a merged customer went, and again if its survivor is merged in turn', () => {
    const [first] = decideCustomerChanges(ID, published(2, live()), merged('cus_b'), AT);
    expect(first).toMatchObject({ type: 'CustomerMerged', version: 3, mergedInto: 'cus_b' });
    expect(first.state).toEqual({ customerId: ID, version: 3, changedAt: AT, mergedInto: 'cus_b', profile: null, loyalty: null, rfm: null });
    expect(decideCustomerChanges(ID, published(3, merged('cus_b')), merged('cus_c'), AT)[0]).toMatchObject({ type: 'CustomerMerged', version: 4, mergedInto: 'cus_c' });
  });

  it('forgets an erased customer with no state, and greets it as new if it comes back', () => {
    const [forgotten] = decideCustomerChanges(ID, published(5, live()), null, AT);
    expect(forgotten).toMatchObject({ type: 'CustomerForgotten', version: 6, state: null });
    expect(typesOf(decideCustomerChanges(ID, published(6, null), live(), AT))).toEqual(['CustomerCreated@7']);
  });

  describe('a withdrawn preference or date', () => {
    const update = (n: number, occurredAt: string, payload: Touchpoint['payload']): Touchpoint => ({
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      type: 'profile_update',
      source: 'club-signup',
      occurredAt,
      receivedAt: occurredAt,
      identifiers: { customerId: 'c-42', email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null },
      traits: null,
      consent: null,
      attributes: {},
      payload,
    });
    const apply = (profile: CustomerProfile, touchpoint: Touchpoint) => evolveProfile(profile, touchpointRecorded(ID, touchpoint, null));
    const viewOf = (profile: CustomerProfile): CustomerFeedView => ({ mergedInto: null, profile: visibleProfile(profile), loyalty: { available: 0, tier: 'member' }, rfm: null });
    const told = apply(emptyProfile(ID), update(1, '2026-11-20T10:00:00Z', { preferences: { sauce: 'no spicy sauce' }, importantDates: { passportExpiry: '2027-03-01' } }));

    it('is a change of its key, and leaves the key out of the state', () => {
      const withdrawn = apply(told, update(2, '2026-11-21T10:00:00Z', { preferences: { sauce: null }, importantDates: { passportExpiry: null } }));
      const [changed] = decideCustomerChanges(ID, published(3, viewOf(told)), viewOf(withdrawn), AT);
      expect(changed).toMatchObject({ type: 'ProfileChanged', version: 4 });
      expect(changed.changedFields).toEqual(expect.arrayContaining(['importantDates.passportExpiry', 'preferences.sauce']));
      expect(changed.state!.profile!.preferences).toEqual({});
      expect(changed.state!.profile!.importantDates).toEqual({});
    });

    it('of a key the customer never told, or already withdrew, changes no preference or date', () => {
      const withdrawn = apply(told, update(2, '2026-11-21T10:00:00Z', { preferences: { sauce: null }, importantDates: {} }));
      for (const [before, payload] of [
        [told, { preferences: { table: null }, importantDates: { birthday: null } }],
        [withdrawn, { preferences: { sauce: null }, importantDates: {} }],
      ] as const) {
        const [changed] = decideCustomerChanges(ID, published(3, viewOf(before)), viewOf(apply(before, update(3, '2026-11-22T10:00:00Z', payload))), AT);
        expect(changed.changedFields.filter((field) => /^(preferences|importantDates)\./.test(field))).toEqual([]);
      }
    });
  });

  describe('properties', () => {
    const view: fc.Arbitrary<CustomerFeedView | null> = fc.oneof(
      fc.constant(null),
      fc.constantFrom('cus_b', 'cus_c').map(merged),
      fc
        .record({ touchpoints: fc.nat(3), available: fc.integer({ min: -5, max: 5 }), tier: fc.constantFrom('member', 'silver'), segment: fc.constantFrom(null, 'Lost', 'Champions') })
        .map(({ touchpoints, available, tier, segment }) => live({ touchpoints }, { available, tier }, segment)),
    );

    it('versions run on from the published one without gaps, and deciding again on the result gives nothing', () => {
      fc.assert(
        fc.property(fc.nat(100), view, view, (version, before, now) => {
          const changes = decideCustomerChanges(ID, before === null && version === 0 ? null : published(version, before), now, AT);
          expect(changes.map((c) => c.version)).toEqual(changes.map((_, i) => version + 1 + i));
          const last = changes.length === 0 ? version : changes[changes.length - 1].version;
          expect(decideCustomerChanges(ID, published(last, now), now, AT)).toEqual([]);
        }),
      );
    });

    it('every event carries the state it leads to', () => {
      fc.assert(
        fc.property(view, view, (before, now) => {
          for (const change of decideCustomerChanges(ID, published(1, before), now, AT)) {
            expect(change.state).toEqual(now === null ? null : { customerId: ID, version: change.version, changedAt: AT, ...now });
          }
        }),
      );
    });
  });
});
