import { CUSTOMER, OTHER, created, ev, example, fold, linked, profileOf, recorded, touchpoint } from '../testing/profile-fixtures';
import { emptyProfile, type CustomerProfile } from './customer-profile';
import { markMerged } from './merge-profiles';
import { evolveProfile } from './profile.projection';
import { consentWithdrawnVia, type ProfileEvent } from './profile.events';
import { visibleProfile } from './visible-profile';

/** Given these events were applied, when these arrive, then the profile is... */
function given(...history: ProfileEvent[]) {
  const before = fold(history);
  return {
    when: (...events: ProfileEvent[]) => {
      const after = fold(events, before)!;
      return { then: (check: (profile: CustomerProfile) => void) => check(after) };
    },
  };
}

const T10 = '2026-11-20T10:00:00.000Z';
const T11 = '2026-11-20T11:00:00.000Z';
const T12 = '2026-11-20T12:00:00.000Z';
const T13 = '2026-11-20T13:00:00.000Z';

const complaintCall = (n: number, occurredAt: string) => example('call', n, { occurredAt });
const resolvedCall = (n: number, occurredAt: string) => example('call', n, { occurredAt, payload: { outcome: 'resolved' } });

describe('the customer profile projection', () => {
  describe('a new customer', () => {
    it('is founded by CustomerCreated: seen first and last at its earliest touchpoint, nothing else known', () => {
      given()
        .when(created('2026-11-20T13:45:00+03:30', 1))
        .then((p) => expect(p).toEqual({ ...emptyProfile(CUSTOMER), firstSeenAt: '2026-11-20T10:15:00.000Z', lastSeenAt: '2026-11-20T10:15:00.000Z', version: 1 }));
    });

    it('can begin with any event: a touchpoint arriving before its CustomerCreated starts the profile', () => {
      given()
        .when(recorded(example('visit', 1)))
        .then((p) => {
          expect(p.customerId).toBe(CUSTOMER);
          expect(p.touchpoints).toBe(1);
          expect(p.version).toBe(1);
        });
    });
  });

  describe('identifiers', () => {
    it('lists the linked values by type, sorted, without repeats', () => {
      given(linked('phone:+989121234567', 1), linked('email:z@x.co', 1))
        .when(linked('email:sara.ahmadi@example.com', 2), linked('email:z@x.co', 3), linked('customerId:c-42', 2))
        .then((p) =>
          expect(p.identifiers).toEqual({
            customerId: ['c-42'],
            email: ['sara.ahmadi@example.com', 'z@x.co'],
            phone: ['+989121234567'],
            loyaltyCard: [],
            socialHandle: [],
            deviceId: [],
          }),
        );
    });

    it('keeps types registered later, after the known ones, and values holding ":"', () => {
      given()
        .when(linked('nationalId:0012345678', 1), linked('deviceId:ios:5f2a', 1))
        .then((p) => {
          expect(p.identifiers.deviceId).toEqual(['ios:5f2a']);
          expect(p.identifiers['nationalId']).toEqual(['0012345678']);
          expect(Object.keys(p.identifiers)).toEqual(['customerId', 'email', 'phone', 'loyaltyCard', 'socialHandle', 'deviceId', 'nationalId']);
        });
    });

    it('are not read from the touchpoint itself: the identity rules decide which identifiers hold', () => {
      given()
        .when(recorded(example('purchase', 1)))
        .then((p) => expect(Object.values(p.identifiers).flat()).toEqual([]));
    });
  });

  describe('traits', () => {
    it('come from the envelope, with where and when they were learnt', () => {
      given()
        .when(recorded(example('purchase', 1)))
        .then((p) => expect(p.traits).toEqual({ firstName: { value: 'Sara', occurredAt: '2026-11-20T10:15:00.000Z', eventId: ev(1), source: 'pos-store-12' } }));
    });

    it('the latest by occurredAt wins', () => {
      given(recorded(touchpoint('visit', 1, { occurredAt: T10, traits: { city: 'Tehran' } })))
        .when(recorded(touchpoint('visit', 2, { occurredAt: T11, traits: { city: 'Shiraz' } })))
        .then((p) => expect(p.traits['city']).toMatchObject({ value: 'Shiraz', eventId: ev(2) }));
    });

    it('an older trait arriving later does not overwrite a newer one', () => {
      given(recorded(touchpoint('visit', 2, { occurredAt: T11, traits: { city: 'Shiraz' } })))
        .when(recorded(touchpoint('visit', 1, { occurredAt: T10, traits: { city: 'Tehran', lastName: 'Ahmadi' } })))
        .then((p) => {
          expect(p.traits['city']).toMatchObject({ value: 'Shiraz', occurredAt: T11 });
          expect(p.traits['lastName']).toMatchObject({ value: 'Ahmadi', occurredAt: T10 });
        });
    });

    it('at the same instant, written in any zone, the greater event id wins, whichever arrived first', () => {
      const a = recorded(touchpoint('visit', 1, { occurredAt: '2026-11-20T13:30:00+03:30', traits: { city: 'Tehran' } }));
      const b = recorded(touchpoint('visit', 2, { occurredAt: T10, traits: { city: 'Shiraz' } }));
      given(a).when(b).then((p) => expect(p.traits['city'].value).toBe('Shiraz'));
      given(b).when(a).then((p) => expect(p.traits['city'].value).toBe('Shiraz'));
    });

    it('are ordinary keys whatever their names, "constructor" and "__proto__" included', () => {
      given()
        .when(recorded(touchpoint('visit', 1, { traits: JSON.parse('{ "constructor": "x", "__proto__": "y", "toString": "z" }') })))
        .then((p) => {
          expect(Object.keys(p.traits)).toEqual(['__proto__', 'constructor', 'toString']);
          expect(JSON.parse(JSON.stringify(p))).toEqual(p);
        });
    });
  });

  describe('preferences and important dates', () => {
    it('remember "no spicy sauce", so the customer never has to say it again', () => {
      given()
        .when(recorded(example('profile_update', 1)))
        .then((p) => expect(p.preferences).toEqual({ sauce: { value: 'no spicy sauce', occurredAt: '2026-11-23T07:00:00.000Z', eventId: ev(1), source: 'club-signup' } }));
    });

    it('a later form with the field left blank tells nothing: the preference and the name stay', () => {
      const told = example('profile_update', 1, { occurredAt: T10, traits: { firstName: 'Sara' }, payload: { preferences: { sauce: 'no spicy sauce' } } });
      const blank = example('profile_update', 2, { occurredAt: T11, traits: { firstName: '\u200b ', city: 'Tehran' }, payload: { preferences: { sauce: '' } } });
      given(recorded(told))
        .when(recorded(blank))
        .then((p) => {
          expect(p.preferences['sauce']).toMatchObject({ value: 'no spicy sauce', eventId: ev(1) });
          expect(p.traits['firstName']).toMatchObject({ value: 'Sara', eventId: ev(1) });
          expect(p.traits['city']).toMatchObject({ value: 'Tehran', eventId: ev(2) });
        });
    });

    it('a later preference replaces it; an earlier one arriving late does not', () => {
      const older = example('profile_update', 1, { occurredAt: T10, payload: { preferences: { sauce: 'extra spicy' } } });
      const newer = example('profile_update', 2, { occurredAt: T11, payload: { preferences: { sauce: 'no spicy sauce', table: 'window' } } });
      given(recorded(newer))
        .when(recorded(older))
        .then((p) => {
          expect(p.preferences['sauce'].value).toBe('no spicy sauce');
          expect(p.preferences['table'].value).toBe('window');
        });
    });

    it('keep the passport expiry and birthday as dates, for reminders', () => {
      given()
        .when(recorded(example('profile_update', 1)))
        .then((p) =>
          expect(p.importantDates).toEqual({
            birthday: { date: '1990-02-05', occurredAt: '2026-11-23T07:00:00.000Z', eventId: ev(1), source: 'club-signup' },
            passportExpiry: { date: '2027-03-01', occurredAt: '2026-11-23T07:00:00.000Z', eventId: ev(1), source: 'club-signup' },
          }),
        );
    });

    it('a renewed passport moves its expiry; the old one told late does not bring it back', () => {
      const renewed = example('profile_update', 2, { occurredAt: '2027-02-01T00:00:00Z', payload: { importantDates: { passportExpiry: '2037-02-01' } } });
      given(recorded(renewed))
        .when(recorded(example('profile_update', 1)))
        .then((p) => {
          expect(p.importantDates['passportExpiry']).toMatchObject({ date: '2037-02-01', eventId: ev(2) });
          expect(p.importantDates['birthday'].date).toBe('1990-02-05');
        });
    });
  });

  describe('withdrawn preferences and important dates', () => {
    const told = example('profile_update', 1, { occurredAt: T10, payload: { preferences: { sauce: 'no spicy sauce' }, importantDates: { passportExpiry: '2027-03-01' } } });
    const forgotten = example('profile_update', 2, { occurredAt: T11, payload: { preferences: { sauce: null }, importantDates: { passportExpiry: null, birthday: null } } });

    it('a null withdraws the key: kept, with where it was said, so that the rules stay order-independent', () => {
      given(recorded(told))
        .when(recorded(forgotten))
        .then((p) => {
          const from = { occurredAt: T11, eventId: ev(2), source: 'club-signup' };
          expect(p.preferences).toEqual({ sauce: { value: null, ...from } });
          expect(p.importantDates).toEqual({ birthday: { date: null, ...from }, passportExpiry: { date: null, ...from } });
        });
    });

    it('an older value arriving after the withdrawal does not bring the key back', () => {
      given(recorded(forgotten))
        .when(recorded(told))
        .then((p) => {
          expect(p.preferences['sauce']).toMatchObject({ value: null, eventId: ev(2) });
          expect(p.importantDates['passportExpiry']).toMatchObject({ date: null, eventId: ev(2) });
        });
    });

    it('a value told after the withdrawal brings the key back', () => {
      const renewed = example('profile_update', 3, { occurredAt: T12, payload: { preferences: { sauce: 'mild' }, importantDates: { passportExpiry: '2037-02-01' } } });
      given(recorded(told), recorded(forgotten))
        .when(recorded(renewed))
        .then((p) => {
          expect(p.preferences['sauce']).toMatchObject({ value: 'mild', eventId: ev(3) });
          expect(p.importantDates['passportExpiry']).toMatchObject({ date: '2037-02-01', eventId: ev(3) });
        });
    });
  });

  describe('consent', () => {
    it('comes from a profile_update payload', () => {
      given()
        .when(recorded(example('profile_update', 1)))
        .then((p) =>
          expect(p.consent).toEqual({
            email: { status: 'granted', occurredAt: '2026-11-23T07:00:00.000Z', eventId: ev(1), source: 'club-signup' },
            sms: { status: 'denied', occurredAt: '2026-11-23T07:00:00.000Z', eventId: ev(1), source: 'club-signup' },
          }),
        );
    });

    it('and from the envelope of any touchpoint; the latest by occurredAt wins across both', () => {
      given(recorded(example('profile_update', 1)))
        .when(recorded(example('purchase', 2, { occurredAt: '2026-11-24T00:00:00Z', consent: { sms: 'granted' } })))
        .then((p) => {
          expect(p.consent['sms']).toMatchObject({ status: 'granted', eventId: ev(2), source: 'pos-store-12' });
          expect(p.consent['email']).toMatchObject({ status: 'granted', eventId: ev(1) });
        });
    });

    it('reads a channel as ingestion keeps it, so that a denial written "SMS" in an older log withdraws the grant of "sms"', () => {
      given(recorded(example('visit', 1, { occurredAt: T10, consent: { sms: 'granted' } })))
        .when(recorded(example('visit', 2, { occurredAt: T12, consent: { ' SMS ': 'denied' } })))
        .then((p) => expect(p.consent).toEqual({ sms: expect.objectContaining({ status: 'denied', eventId: ev(2) }) }));
    });

    it('takes only the withdrawals of a touchpoint that landed on another customer and named an identifier this one holds', () => {
      const held = recorded(example('visit', 1, { occurredAt: T10, consent: { sms: 'granted', email: 'granted' } }));
      const elsewhere = example('call', 2, { occurredAt: T12, consent: { sms: 'denied', push: 'granted' } });
      given(held)
        .when(consentWithdrawnVia(CUSTOMER, 'phone:+989121234567', elsewhere))
        .then((p) => {
          expect(p.consent).toEqual({
            sms: { status: 'denied', occurredAt: T12, eventId: ev(2), source: elsewhere.source },
            email: expect.objectContaining({ status: 'granted', eventId: ev(1) }),
          });
          // Nothing else of the touchpoint is this customer's: not its activity, its counts or when it was seen.
          expect({ ...p, consent: null, version: 0 }).toEqual({ ...fold([held])!, consent: null, version: 0 });
        });
      // The latest word still wins: a withdrawal older than the grant changes nothing.
      given(recorded(example('visit', 3, { occurredAt: T13, consent: { sms: 'granted' } })))
        .when(consentWithdrawnVia(CUSTOMER, 'phone:+989121234567', elsewhere))
        .then((p) => expect(p.consent['sms']).toMatchObject({ status: 'granted', eventId: ev(3) }));
    });

    it('an older consent arriving later does not overturn a newer denial', () => {
      given(recorded(example('profile_update', 2, { occurredAt: T12, payload: { consent: { email: 'denied' } } })))
        .when(recorded(example('visit', 1, { occurredAt: T10, consent: { email: 'granted' } })))
        .then((p) => expect(p.consent['email']).toMatchObject({ status: 'denied', eventId: ev(2) }));
    });

    it('granted and denied at the same instant by two touchpoints is denied, whichever event id sorts last', () => {
      for (const [granting, denying] of [
        [1, 2],
        [2, 1],
      ]) {
        given(recorded(example('visit', granting, { occurredAt: T10, consent: { sms: 'granted' } })))
          .when(recorded(example('visit', denying, { occurredAt: T10, consent: { sms: 'denied' } })))
          .then((p) => expect(p.consent['sms']).toMatchObject({ status: 'denied', eventId: ev(denying) }));
      }
    });

    it("a grant stamped ahead of its arrival (a source's fast clock) counts from its arrival, so a withdrawal made in between stands", () => {
      const fastClock = example('visit', 1, { occurredAt: '2026-11-25T20:00:00.000Z', receivedAt: '2026-11-25T00:00:00.000Z', consent: { sms: 'granted' } });
      const unsubscribe = example('profile_update', 2, { occurredAt: '2026-11-25T01:00:00.000Z', receivedAt: '2026-11-25T01:00:01.000Z', payload: { consent: { sms: 'denied' } } });
      given(recorded(fastClock))
        .when(recorded(unsubscribe))
        .then((p) => expect(p.consent['sms']).toMatchObject({ status: 'denied', eventId: ev(2), occurredAt: '2026-11-25T01:00:00.000Z' }));
    });

    it("a trait, a preference or a date stamped ahead of its arrival counts from its arrival, so a correction or withdrawal made in between stands", () => {
      const fastClock = example('profile_update', 1, {
        occurredAt: '2026-11-25T20:00:00.000Z',
        receivedAt: '2026-11-25T00:00:00.000Z',
        traits: { city: 'Fast' },
        payload: { preferences: { sauce: 'extra spicy' }, importantDates: { passportExpiry: '2027-01-15' } },
      });
      const correction = example('profile_update', 2, {
        occurredAt: '2026-11-25T01:00:00.000Z',
        receivedAt: '2026-11-25T01:00:01.000Z',
        traits: { city: 'Tehran' },
        payload: { preferences: { sauce: null }, importantDates: { passportExpiry: null } },
      });
      for (const [first, second] of [
        [fastClock, correction],
        [correction, fastClock],
      ]) {
        given(recorded(first))
          .when(recorded(second))
          .then((p) => {
            expect(p.traits['city']).toMatchObject({ value: 'Tehran', eventId: ev(2) });
            expect(visibleProfile(p).preferences).toEqual({});
            expect(visibleProfile(p).importantDates).toEqual({});
          });
      }
    });

    it('when the envelope and the payload of one touchpoint disagree, denied wins', () => {
      given()
        .when(recorded(example('profile_update', 1, { consent: { sms: 'granted', push: 'granted' }, payload: { consent: { sms: 'denied', email: 'granted' } } })))
        .then((p) => {
          expect(p.consent['sms'].status).toBe('denied');
          expect(p.consent['push'].status).toBe('granted');
          expect(p.consent['email'].status).toBe('granted');
        });
    });
  });

  describe('first and last seen', () => {
    it('are the earliest and latest occurredAt, in UTC, whatever order they arrived in', () => {
      given(recorded(example('refund', 2)), recorded(example('visit', 3)))
        .when(recorded(example('purchase', 1)))
        .then((p) => {
          expect(p.firstSeenAt).toBe('2026-11-20T10:15:00.000Z');
          expect(p.lastSeenAt).toBe('2026-11-22T08:30:00.000Z');
        });
    });
  });

  describe('activity', () => {
    it('counts by type and by the channel of the manifest, with the latest instant', () => {
      given(recorded(example('purchase', 1)), recorded(example('call', 2)), recorded(example('visit', 3)), recorded(example('social_mention', 4)))
        .when(recorded(example('purchase', 5, { occurredAt: '2026-11-19T00:00:00Z', payload: { channel: 'web' } })), recorded(example('profile_update', 6)))
        .then((p) => {
          expect(p.activity.byType).toEqual({
            call: { count: 1, lastAt: '2026-11-21T12:00:00.000Z' },
            profile_update: { count: 1, lastAt: '2026-11-23T07:00:00.000Z' },
            purchase: { count: 2, lastAt: '2026-11-20T10:15:00.000Z' },
            social_mention: { count: 1, lastAt: '2026-11-22T18:45:00.000Z' },
            visit: { count: 1, lastAt: '2026-11-22T08:30:00.000Z' },
          });
          expect(p.activity.byChannel).toEqual({
            instagram: { count: 1, lastAt: '2026-11-22T18:45:00.000Z' },
            phone: { count: 1, lastAt: '2026-11-21T12:00:00.000Z' },
            store: { count: 1, lastAt: '2026-11-20T10:15:00.000Z' },
            web: { count: 2, lastAt: '2026-11-22T08:30:00.000Z' },
          });
          expect(p.touchpoints).toBe(6);
        });
    });

    it('counts a type registered later, with its channel, without reading its payload', () => {
      const survey = touchpoint('survey_response', 1, { payload: { amount: 'not money', outcome: 42, nps: 9 } });
      given()
        .when({ type: 'TouchpointRecorded', data: { customerId: CUSTOMER, touchpoint: survey, channel: 'email' } })
        .then((p) => {
          expect(p.activity.byType).toEqual({ survey_response: { count: 1, lastAt: T10 } });
          expect(p.activity.byChannel).toEqual({ email: { count: 1, lastAt: T10 } });
          expect(p.orders.count).toBe(0);
          expect(p.touchpoints).toBe(1);
        });
    });

    it('a touchpoint without a channel counts by type only', () => {
      given()
        .when(recorded(example('refund', 1)))
        .then((p) => {
          expect(p.activity.byType['refund'].count).toBe(1);
          expect(p.activity.byChannel).toEqual({});
        });
    });
  });

  describe('orders', () => {
    it('a purchase of 300000 IRR and a refund of 150000 leave a net spend of 150000', () => {
      given(recorded(example('purchase', 1)))
        .when(recorded(example('refund', 2)))
        .then((p) =>
          expect(p.orders).toEqual({
            count: 1,
            countByCurrency: { IRR: 1 },
            grossSpend: { IRR: '300000' },
            refunded: { IRR: '150000' },
            netSpend: { IRR: '150000' },
            averageOrderValue: { IRR: '300000.00' },
            lastPurchaseAt: '2026-11-20T10:15:00.000Z',
          }),
        );
    });

    it('a refund arriving before its purchase leaves a negative net spend until the purchase comes', () => {
      const refundOnly = profileOf(example('refund', 2));
      expect(refundOnly.orders).toMatchObject({ count: 0, grossSpend: {}, netSpend: { IRR: '-150000' }, averageOrderValue: {}, lastPurchaseAt: null });
      expect(fold([recorded(example('purchase', 1))], refundOnly)!.orders.netSpend).toEqual({ IRR: '150000' });
    });

    it('keeps currencies apart and averages each over its own purchases, half-up to 2 decimals', () => {
      given(recorded(example('purchase', 1, { payload: { amount: '100', currency: 'USD' } })), recorded(example('purchase', 2, { payload: { amount: '100', currency: 'USD' } })))
        .when(recorded(example('purchase', 3, { payload: { amount: '100.00', currency: 'USD' } })), recorded(example('purchase', 4)))
        .then((p) => {
          expect(p.orders.count).toBe(4);
          expect(p.orders.countByCurrency).toEqual({ IRR: 1, USD: 3 });
          expect(p.orders.grossSpend).toEqual({ IRR: '300000', USD: '300.00' });
          expect(p.orders.averageOrderValue).toEqual({ IRR: '300000.00', USD: '100.00' });
        });
      expect(profileOf(example('purchase', 1, { payload: { amount: '100', currency: 'USD' } }), example('purchase', 2, { payload: { amount: '100', currency: 'USD' } }), example('purchase', 3, { payload: { amount: '0', currency: 'USD' } })).orders.averageOrderValue).toEqual({ USD: '66.67' });
    });

    it('averages at the scale of the amounts when it is larger than 2', () => {
      const p = profileOf(example('purchase', 1, { payload: { amount: '1.125', currency: 'KWD' } }), example('purchase', 2, { payload: { amount: '1.000', currency: 'KWD' } }));
      expect(p.orders.averageOrderValue).toEqual({ KWD: '1.063' });
    });

    it('the last purchase is the latest by occurredAt', () => {
      given(recorded(example('purchase', 2, { occurredAt: T12 })))
        .when(recorded(example('purchase', 1, { occurredAt: T10 })), recorded(example('refund', 3, { occurredAt: T13 })))
        .then((p) => expect(p.orders.lastPurchaseAt).toBe(T12));
    });
  });

  describe('complaints', () => {
    it('a complaint call opens a complaint', () => {
      given()
        .when(recorded(example('call', 1)))
        .then((p) => expect(p.complaints).toEqual({ open: 1, lastResolvedAt: null, openAt: ['2026-11-21T12:00:00.000Z'] }));
    });

    it('a complaint, then a resolved call: none open', () => {
      given(recorded(complaintCall(1, T10)))
        .when(recorded(resolvedCall(2, T11)))
        .then((p) => expect(p.complaints).toEqual({ open: 0, lastResolvedAt: T11, openAt: [] }));
    });

    it('the resolved call arriving first, with a later occurredAt, still closes it', () => {
      given(recorded(resolvedCall(2, T11)))
        .when(recorded(complaintCall(1, T10)))
        .then((p) => expect(p.complaints).toEqual({ open: 0, lastResolvedAt: T11, openAt: [] }));
    });

    it('a resolved call with an earlier occurredAt does not close it', () => {
      given(recorded(complaintCall(2, T11)))
        .when(recorded(resolvedCall(1, T10)))
        .then((p) => expect(p.complaints).toEqual({ open: 1, lastResolvedAt: T10, openAt: [T11] }));
    });

    it('a resolution at the same instant closes it', () => {
      given(recorded(complaintCall(1, T10)))
        .when(recorded(resolvedCall(2, '2026-11-20T13:30:00+03:30')))
        .then((p) => expect(p.complaints.open).toBe(0));
    });

    it('keeps only the complaints after the latest resolution, ascending', () => {
      given(recorded(complaintCall(1, T13)), recorded(complaintCall(2, T10)), recorded(complaintCall(3, T12)))
        .when(recorded(resolvedCall(4, T11)), recorded(example('call', 5, { occurredAt: T12, payload: { outcome: 'sale' } })))
        .then((p) => expect(p.complaints).toEqual({ open: 2, lastResolvedAt: T11, openAt: [T12, T13] }));
    });

    it('reads the outcome without case or surrounding spaces', () => {
      expect(profileOf(example('call', 1, { payload: { outcome: ' Complaint ' } })).complaints.open).toBe(1);
    });
  });

  describe('version', () => {
    it('grows by one with every event applied', () => {
      given(created(T10, 1), linked('email:a@b.co', 1))
        .when(recorded(example('purchase', 1)))
        .then((p) => expect(p.version).toBe(3));
    });
  });

  describe('the same event applied twice', () => {
    it('changes nothing but the version for a CustomerCreated or an IdentifierLinked', () => {
      const once = fold([created(T10, 1), linked('email:a@b.co', 1)])!;
      const twice = fold([created(T10, 1), linked('email:a@b.co', 1)], once)!;
      expect({ ...twice, version: 0 }).toEqual({ ...once, version: 0 });
    });

    it('keeps the facts of a touchpoint, but counts it again: the runtime applies each touchpoint once per customer', () => {
      const event = recorded(example('profile_update', 1));
      const once = fold([event])!;
      const twice = fold([event], once)!;
      expect(twice.traits).toEqual(once.traits);
      expect(twice.preferences).toEqual(once.preferences);
      expect(twice.importantDates).toEqual(once.importantDates);
      expect(twice.consent).toEqual(once.consent);
      expect(twice.touchpoints).toBe(2);
    });
  });

  it('is plain JSON', () => {
    const p = profileOf(example('purchase', 1), example('refund', 2), example('call', 3), example('profile_update', 4), example('social_mention', 5), example('visit', 6));
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  describe('refuses', () => {
    it('an event of another customer', () => {
      const p = profileOf(example('visit', 1));
      expect(() => evolveProfile(p, recorded(example('visit', 2), OTHER))).toThrow(expect.objectContaining({ code: 'PROFILE.WRONG_CUSTOMER' }));
    });

    it('an event for a merged customer, naming the survivor to apply it to', () => {
      const merged = markMerged(profileOf(example('visit', 1)), OTHER);
      expect(() => evolveProfile(merged, recorded(example('visit', 2)))).toThrow(expect.objectContaining({ code: 'PROFILE.MERGED', into: OTHER }));
    });

    it('a touchpoint the rules cannot read, with the event and the field', () => {
      expect(() => profileOf(example('purchase', 1, { payload: { amount: '-5' } }))).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_EVENT', message: expect.stringContaining('payload.amount') }));
      expect(() => profileOf(example('refund', 1, { payload: { currency: 'rial' } }))).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_EVENT', message: expect.stringContaining('payload.currency') }));
      expect(() => profileOf(example('visit', 1, { occurredAt: '2026-11-20T10:00:00' }))).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_EVENT', message: expect.stringContaining(ev(1)) }));
      expect(() => profileOf(example('visit', 1, { consent: { sms: 'maybe' as never } }))).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_EVENT', message: expect.stringContaining('consent.sms') }));
      expect(() => profileOf(example('profile_update', 1, { payload: { importantDates: { birthday: 'Bahman' } } }))).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_EVENT' }));
      expect(() => fold([linked('no-type', 1)])).toThrow(expect.objectContaining({ code: 'PROFILE.INVALID_EVENT' }));
    });
  });
});
