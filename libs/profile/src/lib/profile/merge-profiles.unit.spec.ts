import { CUSTOMER, OTHER, created, example, fold, linked, recorded } from '../testing/profile-fixtures';
import { emptyProfile, type CustomerProfile } from './customer-profile';
import { knownAlsoAs, markMerged, mergeProfiles } from './merge-profiles';
import { evolveProfile } from './profile.projection';
import type { ProfileEvent } from './profile.events';

const THIRD = 'cus_00000000000040008000000000000003';

const T10 = '2026-11-20T10:00:00.000Z';
const T11 = '2026-11-20T11:00:00.000Z';
const T12 = '2026-11-20T12:00:00.000Z';

const profile = (customerId: string, ...events: ProfileEvent[]) => fold(events, emptyProfile(customerId))!;

/** The content, without what a merge adds on top: ids and versions. */
const content = ({ customerId: _c, mergedFrom: _f, version: _v, ...rest }: CustomerProfile) => rest;

describe('merging profiles', () => {
  // Sara bought at the store as c-42 (CUSTOMER), and called from her phone before she was known by it (OTHER).
  const store = () =>
    profile(CUSTOMER, created(T10, 1), linked('customerId:c-42', 1), linked('email:sara.ahmadi@example.com', 1), recorded(example('purchase', 1, { occurredAt: T10 })), recorded(example('refund', 2, { occurredAt: T12 })));
  const phone = () =>
    profile(OTHER, created(T11, 3, OTHER), linked('phone:+989121234567', 3, OTHER), recorded(example('call', 3, { occurredAt: T11, traits: { firstName: 'Sarah' } }), OTHER), recorded(example('profile_update', 4), OTHER));

  describe('mergeProfiles', () => {
    it('gives the survivor everything the merged profile held', () => {
      const p = mergeProfiles(store(), phone());
      expect(p.customerId).toBe(CUSTOMER);
      expect(p.mergedInto).toBeNull();
      expect(p.mergedFrom).toEqual([OTHER]);
      expect(p.identifiers).toMatchObject({ customerId: ['c-42'], email: ['sara.ahmadi@example.com'], phone: ['+989121234567'] });
      expect(p.orders).toMatchObject({ count: 1, netSpend: { IRR: '150000' } });
      expect(p.complaints.open).toBe(1);
      expect(p.preferences['sauce'].value).toBe('no spicy sauce');
      expect(p.traits['firstName']).toMatchObject({ value: 'Sara', occurredAt: '2026-11-23T07:00:00.000Z' });
      expect(p.traits['lastName'].value).toBe('Ahmadi');
      expect(p.activity.byChannel).toEqual({ phone: { count: 1, lastAt: T11 }, store: { count: 1, lastAt: T10 } });
      expect(p.firstSeenAt).toBe(T10);
      expect(p.lastSeenAt).toBe('2026-11-23T07:00:00.000Z');
      expect(p.touchpoints).toBe(4);
    });

    it('has the content of folding all the events of both into one profile, whichever survives', () => {
      const all = profile(
        CUSTOMER,
        created(T10, 1),
        linked('customerId:c-42', 1),
        linked('email:sara.ahmadi@example.com', 1),
        recorded(example('purchase', 1, { occurredAt: T10 })),
        recorded(example('refund', 2, { occurredAt: T12 })),
        created(T11, 3),
        linked('phone:+989121234567', 3),
        recorded(example('call', 3, { occurredAt: T11, traits: { firstName: 'Sarah' } })),
        recorded(example('profile_update', 4)),
      );
      expect(content(mergeProfiles(store(), phone()))).toEqual(content(all));
      expect(content(mergeProfiles(phone(), store()))).toEqual(content(all));
      expect(JSON.stringify(content(mergeProfiles(phone(), store())))).toBe(JSON.stringify(content(all)));
    });

    it('a complaint of the merged customer is closed by a later resolution of the survivor', () => {
      const survivor = profile(CUSTOMER, recorded(example('call', 1, { occurredAt: T12, payload: { outcome: 'resolved' } })));
      const merged = profile(OTHER, recorded(example('call', 2, { occurredAt: T11 }), OTHER));
      expect(mergeProfiles(survivor, merged).complaints).toEqual({ open: 0, lastResolvedAt: T12, openAt: [] });
    });

    it("a withdrawal on one side outranks the other side's older value, whichever survives, and a newer value outranks it", () => {
      const told = (n: number, occurredAt: string, sauce: string | null, passportExpiry: string | null) =>
        example('profile_update', n, { occurredAt, payload: { preferences: { sauce }, importantDates: { passportExpiry } } });
      const withdrawn = profile(CUSTOMER, recorded(told(1, T11, null, null)));
      const older = profile(OTHER, recorded(told(2, T10, 'no spicy sauce', '2027-03-01'), OTHER));
      for (const merged of [mergeProfiles(withdrawn, older), mergeProfiles(older, withdrawn)]) {
        expect(merged.preferences['sauce']).toMatchObject({ value: null, eventId: withdrawn.preferences['sauce'].eventId });
        expect(merged.importantDates['passportExpiry']).toMatchObject({ date: null });
      }
      const newer = profile(OTHER, recorded(told(3, T12, 'mild', '2037-02-01'), OTHER));
      expect(mergeProfiles(withdrawn, newer).preferences['sauce'].value).toBe('mild');
      expect(mergeProfiles(newer, withdrawn).importantDates['passportExpiry'].date).toBe('2037-02-01');
    });

    it('lists every customer merged in, transitively, sorted', () => {
      const third = profile(THIRD, recorded(example('visit', 9), THIRD));
      const p = mergeProfiles(third, mergeProfiles(phone(), store()));
      expect(p.mergedFrom).toEqual([CUSTOMER, OTHER].sort());
      expect(p.customerId).toBe(THIRD);
    });

    it('counts both versions and the merge in the version', () => {
      const a = store();
      const b = phone();
      expect(mergeProfiles(a, b).version).toBe(a.version + b.version + 1);
    });

    it('is idempotent: merging an absorbed customer again changes nothing', () => {
      const once = mergeProfiles(store(), phone());
      expect(mergeProfiles(once, phone())).toBe(once);
    });

    it('absorbs a customer with no profile yet as its empty profile', () => {
      const p = mergeProfiles(store(), emptyProfile(OTHER));
      expect(content(p)).toEqual(content(store()));
      expect(p.mergedFrom).toEqual([OTHER]);
    });

    it('refuses to merge a customer into itself, an emptied profile, or into a merged one', () => {
      expect(() => mergeProfiles(store(), store())).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_MERGE' }));
      expect(() => mergeProfiles(store(), markMerged(phone(), CUSTOMER))).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_MERGE' }));
      expect(() => mergeProfiles(markMerged(store(), THIRD), phone())).toThrow(expect.objectContaining({ code: 'PROFILE.MERGED', into: THIRD }));
    });
  });

  describe('markMerged', () => {
    it('keeps only what redirects to the survivor, and a newer version', () => {
      const before = phone();
      expect(markMerged(before, CUSTOMER)).toEqual({ ...emptyProfile(OTHER), mergedInto: CUSTOMER, version: before.version + 1 });
    });

    it('is idempotent for the same survivor, and refuses another', () => {
      const marked = markMerged(phone(), CUSTOMER);
      expect(markMerged(marked, CUSTOMER)).toBe(marked);
      expect(() => markMerged(marked, THIRD)).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_MERGE' }));
      expect(() => markMerged(phone(), OTHER)).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_MERGE' }));
    });

    it('sends later events to the survivor', () => {
      expect(() => evolveProfile(markMerged(phone(), CUSTOMER), recorded(example('visit', 7), OTHER))).toThrow(expect.objectContaining({ code: 'PROFILE.MERGED', into: CUSTOMER }));
    });
  });

  describe('knownAlsoAs', () => {
    it('adds the ids, sorted, once, never its own, and changes nothing else', () => {
      const merged = mergeProfiles(profile(CUSTOMER, created(T10, 1)), profile(THIRD, created(T11, 2, THIRD)));
      const known = knownAlsoAs(merged, [OTHER, THIRD, CUSTOMER, OTHER]);
      expect(known.mergedFrom).toEqual([OTHER, THIRD].sort());
      expect({ ...known, mergedFrom: merged.mergedFrom }).toEqual(merged);
      expect(knownAlsoAs(merged, [THIRD, CUSTOMER])).toBe(merged);
    });
  });
});
