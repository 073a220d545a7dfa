import { CONSENT_CHANNELS, type Touchpoint } from '@cdp/events';
import fc from 'fast-check';
import { CUSTOMER, OTHER, recorded, touchpoint } from '../testing/profile-fixtures';
import { emptyProfile, type CustomerProfile } from './customer-profile';
import { mergeProfiles } from './merge-profiles';
import { evolveProfile } from './profile.projection';
import { touchpointRecorded, type ProfileEvent } from './profile.events';
import { visibleProfile } from './visible-profile';

/*
 * Properties over random sets of touchpoints of every shipped type and one registered later, with
 * amounts of several scales and currencies, traits, preferences, dates and consent from small
 * pools (so that keys collide), preferences and dates withdrawn (null), and instants that tie,
 * some written in other zones.
 */

const RUNS = { numRuns: 250 };
const THIRD = 'cus_00000000000040008000000000000003';

const INSTANTS = ['2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00Z', '2026-01-01T03:30:00+03:30', '2026-01-02T00:00:00.000Z', '2026-01-03T12:00:00.000Z'];
const KEYS = ['city', 'firstName', 'sauce', 'constructor', '__proto__'];
const VALUES = ['a', 'b', 'c', ' '];
const AMOUNTS = ['0', '1', '12.50', '300000', '0.125', '99.999', '150000.1'];

/** A map from a small pool of keys, built so that "__proto__" is an own key as it is in parsed JSON. */
const mapOf = <T>(values: fc.Arbitrary<T>, keys: readonly string[] = KEYS) =>
  fc.uniqueArray(fc.tuple(fc.constantFrom(...keys), values), { selector: ([k]) => k, maxLength: 3 }).map((entries) => Object.fromEntries(entries) as Record<string, T>);
const consentMap = mapOf(fc.constantFrom('granted' as const, 'denied' as const), CONSENT_CHANNELS);

const payloadOf: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  purchase: fc.record({
    orderId: fc.constant('o-1'),
    amount: fc.constantFrom(...AMOUNTS),
    currency: fc.constantFrom('IRR', 'USD'),
    items: fc.constant([]),
    channel: fc.constantFrom(null, 'store', 'web'),
    location: fc.constant(null),
  }),
  refund: fc.record({ orderId: fc.constant('o-1'), amount: fc.constantFrom(...AMOUNTS), currency: fc.constantFrom('IRR', 'USD'), reason: fc.constant(null) }),
  call: fc.record({
    direction: fc.constant('inbound'),
    durationSec: fc.constant(60),
    topic: fc.constant(null),
    outcome: fc.constantFrom('complaint', 'complaint', 'resolved', 'sale', 'Resolved '),
    agentId: fc.constant(null),
    satisfaction: fc.constant(null),
  }),
  visit: fc.record({ channel: fc.constantFrom('store', 'web'), location: fc.constant(null), durationSec: fc.constant(null), purpose: fc.constant(null) }),
  social_mention: fc.record({
    platform: fc.constantFrom('instagram', 'x'),
    handle: fc.constant('@sara'),
    url: fc.constant(null),
    text: fc.constant('hi'),
    sentiment: fc.constant(null),
    reach: fc.constant(null),
  }),
  profile_update: fc.record({
    preferences: mapOf(fc.constantFrom(...VALUES, null)),
    importantDates: mapOf(fc.constantFrom('1990-02-05', '2027-03-01', '2030-01-01', null)),
    consent: fc.option(consentMap, { nil: null }),
  }),
  survey_response: fc.record({ nps: fc.integer({ min: 0, max: 10 }), amount: fc.constant('not read') }),
};

const touchpointArb: fc.Arbitrary<Touchpoint> = fc
  .record({
    n: fc.nat(),
    type: fc.constantFrom(...Object.keys(payloadOf)),
    occurredAt: fc.constantFrom(...INSTANTS),
    // Mostly after it occurred; sometimes before, as from a source whose clock runs fast.
    receivedAt: fc.constantFrom('2026-11-25T00:00:00.000Z', '2026-11-25T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'),
    source: fc.constantFrom('pos', 'web', 'crm'),
    traits: fc.option(mapOf(fc.constantFrom(...VALUES)), { nil: null }),
    consent: fc.option(consentMap, { nil: null }),
  })
  .chain(({ type, ...rest }) => payloadOf[type].map((payload) => ({ ...touchpoint(type, 0, rest), payload })));

/** What the customer's events are made of: touchpoints and identifier links, with event ids unique across them. */
type Item = { readonly kind: 'touchpoint'; readonly touchpoint: Touchpoint } | { readonly kind: 'link'; readonly identifier: string; readonly eventId: string };

const itemsArb: fc.Arbitrary<Item[]> = fc
  .uniqueArray(
    fc.tuple(
      fc.uuid(),
      fc.oneof(
        { weight: 5, arbitrary: touchpointArb.map((t) => ({ kind: 'touchpoint' as const, touchpoint: t })) },
        { weight: 1, arbitrary: fc.constantFrom('email:a@x.co', 'email:b@x.co', 'phone:+989120000001', 'deviceId:d:1', 'nationalId:7').map((identifier) => ({ kind: 'link' as const, identifier, eventId: '' })) },
      ),
    ),
    { selector: ([id]) => id, minLength: 1, maxLength: 30 },
  )
  .map((pairs) => pairs.map(([id, item]): Item => (item.kind === 'touchpoint' ? { kind: 'touchpoint', touchpoint: { ...item.touchpoint, eventId: id } } : { ...item, eventId: id })));

/** The items as events of a customer, founded (as the identity rules do) by its earliest touchpoint. */
function eventsOf(items: readonly Item[], customerId: string): ProfileEvent[] {
  const touchpoints = items.flatMap((i) => (i.kind === 'touchpoint' ? [i.touchpoint] : []));
  const first = [...touchpoints].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.eventId < b.eventId ? -1 : 1))[0];
  const founded: ProfileEvent[] = first ? [{ type: 'CustomerCreated', data: { customerId, firstSeenAt: first.occurredAt, firstEventId: first.eventId } }] : [];
  return [
    ...founded,
    ...items.map((i): ProfileEvent =>
      i.kind === 'link'
        ? { type: 'IdentifierLinked', data: { customerId, identifier: i.identifier, eventId: i.eventId } }
        : i.touchpoint.type === 'survey_response'
          ? touchpointRecorded(customerId, i.touchpoint, 'kiosk')
          : recorded(i.touchpoint, customerId),
    ),
  ];
}

const fold = (events: readonly ProfileEvent[], customerId: string): CustomerProfile => events.reduce(evolveProfile, emptyProfile(customerId));

/** The content: all but what merges add on top (customerId, mergedFrom) and version. */
const content = ({ customerId: _c, mergedFrom: _f, version: _v, ...rest }: CustomerProfile) => rest;

const arrivals = <T>(events: readonly T[]) => fc.shuffledSubarray(events as T[], { minLength: events.length, maxLength: events.length });

describe('the profile, for any arrival order of the same events', () => {
  it('folding any two permutations gives equal profiles, to the byte of their JSON', () => {
    fc.assert(
      fc.property(
        itemsArb.chain((items) => {
          const events = eventsOf(items, CUSTOMER);
          return fc.tuple(arrivals(events), arrivals(events));
        }),
        ([first, second]) => {
          const a = fold(first, CUSTOMER);
          const b = fold(second, CUSTOMER);
          expect(b).toEqual(a);
          expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        },
      ),
      RUNS,
    );
  });

  it('agrees with the rules written out directly', () => {
    fc.assert(
      fc.property(
        itemsArb.chain((items) => arrivals(eventsOf(items, CUSTOMER))),
        (events) => {
          const p = fold(events, CUSTOMER);
          const tps = events.flatMap((e) => (e.type === 'TouchpointRecorded' ? [e.data.touchpoint] : []));
          const at = (t: Touchpoint) => Date.parse(t.occurredAt);
          // What a touchpoint tells of its customer counts from when it occurred, but never after it was received.
          const saidAt = (t: Touchpoint) => Math.min(at(t), Date.parse(t.receivedAt));
          const later = (a: Touchpoint, b: Touchpoint) => saidAt(a) - saidAt(b) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
          const iso = (ms: number) => new Date(ms).toISOString();

          expect(p.touchpoints).toBe(tps.length);
          expect(p.version).toBe(events.length);
          if (tps.length > 0) {
            expect(p.firstSeenAt).toBe(iso(Math.min(...tps.map(at))));
            expect(p.lastSeenAt).toBe(iso(Math.max(...tps.map(at))));
          }

          // Each trait: the value of the touchpoint latest said, then by event id, that tells it (a blank tells nothing).
          for (const key of KEYS) {
            const holders = tps.filter((t) => t.traits !== null && Object.hasOwn(t.traits, key) && t.traits[key].trim() !== '').sort(later);
            const last = holders[holders.length - 1];
            expect(Object.hasOwn(p.traits, key) ? p.traits[key].value : undefined).toBe(last?.traits![key]);
          }

          // Each preference and date: what the touchpoint latest said, then by event id, that tells it says (a blank tells
          // nothing); a null withdraws it, which the stored profile keeps and the visible one leaves out.
          const visible = visibleProfile(p);
          for (const key of KEYS) {
            const latestSaid = (field: 'preferences' | 'importantDates') => {
              const said = (t: Touchpoint) => (t.type === 'profile_update' ? (t.payload[field] as Record<string, string | null>) : {});
              const last = tps.filter((t) => Object.hasOwn(said(t), key) && said(t)[key]?.trim() !== '').sort(later).at(-1);
              return last === undefined ? undefined : said(last)[key];
            };
            expect(Object.hasOwn(p.preferences, key) ? p.preferences[key].value : undefined).toBe(latestSaid('preferences'));
            expect(Object.hasOwn(p.importantDates, key) ? p.importantDates[key].date : undefined).toBe(latestSaid('importantDates'));
            expect(Object.hasOwn(visible.preferences, key) ? visible.preferences[key].value : undefined).toBe(latestSaid('preferences') ?? undefined);
            expect(Object.hasOwn(visible.importantDates, key) ? visible.importantDates[key].date : undefined).toBe(latestSaid('importantDates') ?? undefined);
          }

          // Consent: what the touchpoints latest by occurredAt that tell the channel say; denied when one of them says so.
          for (const channel of CONSENT_CHANNELS) {
            const told = (t: Touchpoint) =>
              [t.consent, t.type === 'profile_update' ? (t.payload['consent'] as Record<string, string> | null) : null].flatMap((m) => (m && Object.hasOwn(m, channel) ? [m[channel]] : []));
            const tellers = tps.filter((t) => told(t).length > 0);
            const lastAt = Math.max(...tellers.map(saidAt));
            const latestSay = tellers.filter((t) => saidAt(t) === lastAt).flatMap(told);
            const expected = latestSay.length === 0 ? undefined : latestSay.includes('denied') ? 'denied' : 'granted';
            expect(Object.hasOwn(p.consent, channel) ? p.consent[channel].status : undefined).toBe(expected);
          }

          // Spend: exact sums, in thousandths (the pool's largest scale).
          const milli = (amount: string) => {
            const [whole, fraction = ''] = amount.split('.');
            return BigInt(whole + fraction.padEnd(3, '0'));
          };
          for (const currency of ['IRR', 'USD']) {
            const sum = (type: string) =>
              tps.filter((t) => t.type === type && t.payload['currency'] === currency).reduce((s, t) => s + milli(t.payload['amount'] as string), 0n);
            const held = (money: Readonly<Record<string, string>>) => (Object.hasOwn(money, currency) ? milli(money[currency].replace('-', '')) * (money[currency].startsWith('-') ? -1n : 1n) : 0n);
            expect(held(p.orders.grossSpend)).toBe(sum('purchase'));
            expect(held(p.orders.refunded)).toBe(sum('refund'));
            expect(held(p.orders.netSpend)).toBe(sum('purchase') - sum('refund'));
          }
          expect(p.orders.count).toBe(tps.filter((t) => t.type === 'purchase').length);

          // A complaint is open unless a resolved call occurred at or after it.
          const outcome = (t: Touchpoint) => (t.type === 'call' ? String(t.payload['outcome']).trim().toLowerCase() : '');
          const resolved = tps.filter((t) => outcome(t) === 'resolved').map(at);
          const open = tps.filter((t) => outcome(t) === 'complaint' && !resolved.some((r) => r >= at(t)));
          expect(p.complaints.open).toBe(open.length);
        },
      ),
      RUNS,
    );
  });

  it('splitting the events between two customers and merging them gives the content of one customer holding them all', () => {
    fc.assert(
      fc.property(
        itemsArb.chain((items) => fc.tuple(fc.constant(items), fc.array(fc.boolean(), { minLength: items.length, maxLength: items.length }))),
        ([items, side]) => {
          const a = fold(eventsOf(items.filter((_, i) => side[i]), CUSTOMER), CUSTOMER);
          const b = fold(eventsOf(items.filter((_, i) => !side[i]), OTHER), OTHER);
          const all = fold(eventsOf(items, CUSTOMER), CUSTOMER);

          const merged = mergeProfiles(a, b);
          expect(content(merged)).toEqual(content(all));
          expect(JSON.stringify(content(merged))).toBe(JSON.stringify(content(all)));
          expect(merged.customerId).toBe(CUSTOMER);
          expect(merged.mergedFrom).toEqual([OTHER]);
          expect(merged.version).toBe(a.version + b.version + 1);

          // Whichever of the two survives.
          expect(JSON.stringify(content(mergeProfiles(b, a)))).toBe(JSON.stringify(content(all)));
        },
      ),
      RUNS,
    );
  });

  it('merging three customers gives the same content however the merges are grouped', () => {
    fc.assert(
      fc.property(
        itemsArb.chain((items) => fc.tuple(fc.constant(items), fc.array(fc.constantFrom(0, 1, 2), { minLength: items.length, maxLength: items.length }))),
        ([items, part]) => {
          const [x, y, z] = [CUSTOMER, OTHER, THIRD].map((id, k) => fold(eventsOf(items.filter((_, i) => part[i] === k), id), id));
          const left = mergeProfiles(mergeProfiles(x, y), z);
          const right = mergeProfiles(x, mergeProfiles(z, y));
          const all = fold(eventsOf(items, CUSTOMER), CUSTOMER);
          expect(JSON.stringify(content(left))).toBe(JSON.stringify(content(all)));
          expect(JSON.stringify(content(right))).toBe(JSON.stringify(content(all)));
          expect(left.mergedFrom).toEqual(right.mergedFrom);
        },
      ),
      RUNS,
    );
  });
});
