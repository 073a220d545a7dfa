import { CODED_TOUCHPOINT_TYPES, loadSchemaCatalog, type Identifiers } from '@cdp/events';
import { prepareTouchpoints, type PreparedTouchpoint } from '@cdp/ingestion';
import { inWindow, SPRING, tehranDate } from './calendar/tehran-time';
import type { DemoTouchpoint } from './demo-touchpoint';
import { demoWindow, generateDemoJourneys, generateDemoTouchpoints, InvalidDemoOptionsError, type DemoJourney } from './generate-demo-touchpoints';

const END = '2026-11-23T08:00:00.000Z';
const options = { customers: 300, seed: 'unit', end: END };
const catalog = loadSchemaCatalog();

/** Validates and normalises bodies exactly as POST /v1/touchpoints does, a batch of 1,000 at a time. */
function prepare(bodies: readonly DemoTouchpoint[]): PreparedTouchpoint[] {
  const prepared: PreparedTouchpoint[] = [];
  let ids = 0;
  for (let i = 0; i < bodies.length; i += 1000) {
    const result = prepareTouchpoints(bodies.slice(i, i + 1000), {
      catalog,
      receivedAt: END,
      newEventId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
      defaultPhoneRegion: 'IR',
    });
    if (!result.ok) throw new Error(`batch ${i / 1000}: ${JSON.stringify(result.errors.slice(0, 5), null, 2)}`);
    prepared.push(...result.touchpoints);
  }
  return prepared;
}

function keysOf(identifiers: Identifiers): string[] {
  return Object.entries(identifiers)
    .filter(([, value]) => value !== null)
    .map(([type, value]) => `${type}:${value}`);
}

const journeys: DemoJourney[] = [...generateDemoJourneys(options)];
const touchpoints = [...generateDemoTouchpoints(options)];

describe('generateDemoTouchpoints', () => {
  it('generates thousands of touchpoints that the platform accepts, every one', () => {
    expect(touchpoints.length).toBeGreaterThan(3000);
    expect(prepare(touchpoints)).toHaveLength(touchpoints.length);
  });

  it('covers every touchpoint type the code reads, the shipped survey answers, and the two years before the end', () => {
    expect(new Set(touchpoints.map((t) => t.type))).toEqual(new Set([...CODED_TOUCHPOINT_TYPES, 'survey_response']));
    const times = touchpoints.map((t) => Date.parse(t.occurredAt));
    const { start, end } = demoWindow(options);
    expect(end - start).toBe(730 * 24 * 3600 * 1000);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(start);
    expect(Math.max(...times)).toBeLessThan(end);
    expect(Math.min(...times) - start).toBeLessThan(7 * 24 * 3600 * 1000);
  });

  it('is deterministic: the same seed gives the same bodies and event ids; another seed, others', () => {
    const again = [...generateDemoTouchpoints(options)];
    expect(again).toEqual(touchpoints);
    const other = [...generateDemoTouchpoints({ ...options, customers: 20, seed: 'other' })];
    expect(other.map((t) => t.eventId)).not.toEqual(touchpoints.slice(0, other.length).map((t) => t.eventId));
  });

  it('gives every touchpoint its own version 4 UUID', () => {
    const ids = touchpoints.map((t) => t.eventId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('yields the same touchpoints as the journeys, interleaved by time', () => {
    expect(touchpoints).toHaveLength(journeys.reduce((n, j) => n + j.touchpoints.length, 0));
    expect(new Set(touchpoints.map((t) => t.eventId))).toEqual(new Set(journeys.flatMap((j) => j.touchpoints.map((t) => t.eventId))));
  });

  it('refuses options that make no sense, with a stable code', () => {
    expect(() => demoWindow({ customers: 0, seed: 1, end: 'yesterday' })).toThrow(InvalidDemoOptionsError);
    expect(() => demoWindow({ customers: 1, seed: 1, end: END, start: END })).toThrow(/start must be before end/);
    expect(demoWindow({ customers: 1, seed: 1, end: new Date(END), start: '2026-01-01T00:00:00Z' }).start).toBe(Date.parse('2026-01-01T00:00:00Z'));
  });
});

describe('identities in the demo data', () => {
  const prepared = journeys.map((j) => ({ customer: j.customer, touchpoints: prepare(j.touchpoints).map((p) => p.touchpoint) }));

  it('never lets two customers share an identifier, so every merge is a true one', () => {
    const owner = new Map<string, number>();
    for (const { customer, touchpoints: mine } of prepared) {
      for (const key of mine.flatMap((t) => keysOf(t.identifiers))) {
        expect(owner.get(key) ?? customer.index).toBe(customer.index);
        owner.set(key, customer.index);
      }
    }
  });

  it('makes identity resolution merge: fragments that share nothing until a later touchpoint bridges them', () => {
    /** How many times a touchpoint joined two groups of earlier touchpoints that shared no identifier. */
    const bridges = (mine: (typeof prepared)[number]['touchpoints']) => {
      const parent = new Map<string, string>();
      const find = (k: string): string => (parent.get(k) === k ? k : find(parent.get(k)!));
      let count = 0;
      for (const touchpoint of mine) {
        const keys = keysOf(touchpoint.identifiers);
        if (new Set(keys.filter((k) => parent.has(k)).map(find)).size >= 2) count++;
        for (const k of keys) if (!parent.has(k)) parent.set(k, k);
        for (const k of keys) parent.set(find(k), find(keys[0]));
      }
      return count;
    };
    const bridged = prepared.filter(({ touchpoints: mine }) => bridges(mine) > 0);
    expect(bridges(prepared[0].touchpoints)).toBeGreaterThanOrEqual(2); // the showcase: device → email, then the club sign-up
    expect(bridged.length / prepared.length).toBeGreaterThan(0.2);
  });

  it('lets the showcase customer be found by email and known on every channel', () => {
    const sara = prepared[0];
    expect(sara.customer).toMatchObject({ showcase: true, firstName: 'Sara', clubMember: true, springBuyer: true });
    const identifierTypes = new Set(sara.touchpoints.flatMap((t) => keysOf(t.identifiers).map((k) => k.split(':')[0])));
    expect(identifierTypes).toEqual(new Set(['customerId', 'email', 'phone', 'loyaltyCard', 'socialHandle', 'deviceId']));
    const signUp = journeys[0].touchpoints.find((t) => t.type === 'profile_update' && t.source === 'club-signup');
    expect(signUp?.payload).toMatchObject({ preferences: { sauce: 'no spicy sauce' }, importantDates: { birthday: '1990-02-05', passportExpiry: expect.any(String) } });
    const calls = journeys[0].touchpoints.filter((t) => t.type === 'call').map((t) => t.type === 'call' && t.payload.outcome);
    expect(calls).toEqual(expect.arrayContaining(['complaint', 'resolved']));
  });
});

describe('the business in the demo data', () => {
  const purchases = journeys.map((j) => j.touchpoints.filter((t) => t.type === 'purchase'));

  it('charges realistic amounts in rials, each the sum of its lines', () => {
    for (const purchase of purchases.flat()) {
      if (purchase.type !== 'purchase') continue;
      const { amount, currency, items } = purchase.payload;
      expect(currency).toBe('IRR');
      expect(amount).toMatch(/^\d+$/);
      expect(Number(amount)).toBe(items.reduce((sum, item) => sum + Number(item.unitPrice) * item.quantity, 0));
      expect(Number(amount)).toBeGreaterThanOrEqual(150_000);
    }
  });

  it('has heavy and light customers: the top fifth brings most of the revenue', () => {
    const spend = purchases.map((list) => list.reduce((sum, t) => sum + (t.type === 'purchase' ? Number(t.payload.amount) : 0), 0)).sort((a, b) => b - a);
    const total = spend.reduce((a, b) => a + b, 0);
    const top = spend.slice(0, Math.ceil(spend.length / 5)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.6);
  });

  it('refunds earlier orders of the same customer, some in part and some in full', () => {
    const kinds = new Set<string>();
    for (const { touchpoints: mine } of journeys) {
      for (const refund of mine) {
        if (refund.type !== 'refund') continue;
        const order = mine.find((t) => t.type === 'purchase' && t.payload.orderId === refund.payload.orderId);
        expect(order).toBeDefined();
        if (order?.type !== 'purchase') continue;
        expect(Date.parse(order.occurredAt)).toBeLessThan(Date.parse(refund.occurredAt));
        expect(Number(refund.payload.amount)).toBeLessThanOrEqual(Number(order.payload.amount));
        kinds.add(refund.payload.amount === order.payload.amount ? 'full' : 'partial');
      }
    }
    expect(kinds).toEqual(new Set(['full', 'partial']));
  });

  it('has spring buyers who buy clothes every spring and at no other time', () => {
    const springBuyers = journeys.filter((j) => j.customer.springBuyer);
    expect(springBuyers.length).toBeGreaterThan(10);
    const springs = springBuyers.map(({ touchpoints: mine }) => {
      const years = mine.filter((t) => t.type === 'purchase' && t.payload.orderId.startsWith('S-')).map((t) => t.occurredAt.slice(0, 4));
      return new Set(years).size;
    });
    expect(springs.filter((n) => n >= 2).length / springs.length).toBeGreaterThan(0.7);
    for (const { touchpoints: mine } of springBuyers) {
      for (const t of mine) {
        if (t.type === 'purchase' && t.payload.orderId.startsWith('S-')) {
          expect(inWindow(tehranDate(Date.parse(t.occurredAt)), ...SPRING)).toBe(true);
        }
      }
    }
  });

  it('has complaints, most of them later resolved, some still open', () => {
    let resolved = 0;
    let open = 0;
    for (const { touchpoints: mine } of journeys) {
      const calls = mine.filter((t) => t.type === 'call');
      for (const complaint of calls) {
        if (complaint.type !== 'call' || complaint.payload.outcome !== 'complaint') continue;
        const later = calls.some((c) => c.type === 'call' && c.payload.outcome === 'resolved' && Date.parse(c.occurredAt) >= Date.parse(complaint.occurredAt));
        if (later) resolved++;
        else open++;
      }
    }
    expect(resolved).toBeGreaterThan(open);
    expect(open).toBeGreaterThan(0);
  });
});
