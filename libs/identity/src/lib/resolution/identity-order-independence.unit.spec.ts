import type { Identifiers } from '@cdp/events';
import fc from 'fast-check';
import { IDENTIFIER_PRIORITY } from '../identifiers/identifier-types';
import { isPlaceholder } from '../identifiers/placeholder';
import { customerIdFor } from './customer-id';
import { resolveTouchpoint, type RecordedRefusal } from './identity.commands';
import { decide, evolve, initialState } from './identity.decider';
import type { IdentityEvent } from './identity.events';
import { customerOfIdentifier, customerOfTouchpoint, identitySlice, liveCustomers, type IdentityGraph } from './identity-graph';
import { identityPolicy } from './identity-policy';
import { resolveAll } from './resolve-all';

interface Tp {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly identifiers: Identifiers;
}

// Small pools, so that touchpoints share identifiers and customers merge often; a placeholder in
// most pools; instants that tie, some of them written differently.
const POOLS = {
  email: ['a@x.co', 'b@x.co', 'c@x.co', 'unknown'],
  phone: ['+989120000001', '+989120000002', '+989120000003', '0'],
  loyaltyCard: ['L-1', 'L-2'],
  socialHandle: ['s1', 's2', 'n/a'],
  deviceId: ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'],
};
const INSTANTS = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00Z', '2026-01-01T03:30:00+03:30', '2026-01-02T00:00:00.000Z', '2026-01-03T12:00:00.000Z'];

const sometimes = <T>(values: readonly T[]) => fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.constantFrom(...values), weight: 1 });

const identifiersOf = (customerIds: readonly string[]): fc.Arbitrary<Identifiers> =>
  fc.record({
    customerId: customerIds.length === 0 ? fc.constant(null) : sometimes(customerIds),
    email: sometimes(POOLS.email),
    phone: sometimes(POOLS.phone),
    loyaltyCard: sometimes(POOLS.loyaltyCard),
    socialHandle: sometimes(POOLS.socialHandle),
    deviceId: sometimes(POOLS.deviceId),
  });

/** A set of touchpoints and several arrival orders of it. */
function scenario(customerIds: readonly string[] = []) {
  const touchpoint = fc.record({ eventId: fc.uuid(), occurredAt: fc.constantFrom(...INSTANTS), identifiers: identifiersOf(customerIds) });
  return fc
    .uniqueArray(touchpoint, { selector: (t) => t.eventId, minLength: 1, maxLength: 30, size: 'medium' })
    .chain((set) => fc.tuple(fc.constant(set as Tp[]), fc.array(fc.shuffledSubarray(set, { minLength: set.length, maxLength: set.length }), { minLength: 3, maxLength: 3 })));
}

const GENEROUS = identityPolicy({ loyaltyCard: 1000, email: 1000, phone: 1000, socialHandle: 1000, deviceId: 1000 });
const TIGHT = identityPolicy({ loyaltyCard: 1, email: 2, phone: 1, socialHandle: 1, deviceId: 2 });
const RUNS = { numRuns: 200 };

/**
 * The rules without guardrails, written independently: touchpoints sharing a real identifier are
 * one customer, named after its earliest touchpoint by occurredAt, then event id.
 */
function expectedCustomers(set: readonly Tp[]): Record<string, string> {
  const parent = new Map(set.map((t) => [t.eventId, t.eventId]));
  const root = (id: string): string => (parent.get(id) === id ? id : root(parent.get(id)!));
  const holder = new Map<string, string>();
  for (const t of set) {
    for (const type of IDENTIFIER_PRIORITY) {
      const value = t.identifiers[type];
      if (value === null || isPlaceholder(value)) continue;
      const other = holder.get(`${type}:${value}`);
      if (other === undefined) holder.set(`${type}:${value}`, t.eventId);
      else parent.set(root(t.eventId), root(other));
    }
  }
  const earlier = (a: Tp, b: Tp) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.eventId < b.eventId ? -1 : 1);
  const earliest = new Map<string, Tp>();
  for (const t of set) {
    const r = root(t.eventId);
    const e = earliest.get(r);
    if (e === undefined || earlier(t, e) < 0) earliest.set(r, t);
  }
  return Object.fromEntries(set.map((t) => [t.eventId, customerIdFor(earliest.get(root(t.eventId))!.eventId)]));
}

function customersOf(graph: IdentityGraph, set: readonly Tp[]): Record<string, string | undefined> {
  return Object.fromEntries(set.map((t) => [t.eventId, customerOfTouchpoint(graph, t.eventId)]));
}

const byId = (graph: IdentityGraph) => liveCustomers(graph).sort((a, b) => (a.customerId < b.customerId ? -1 : 1));

describe('identity resolution, for any arrival order', () => {
  it('puts each touchpoint on the same customer, named after the earliest touchpoint it is connected to', () => {
    fc.assert(
      fc.property(scenario(), ([set, orders]) => {
        const expected = expectedCustomers(set);
        const results = orders.map((order) => resolveAll(order, GENEROUS));
        for (const { graph, events } of results) {
          expect(customersOf(graph, set)).toEqual(expected);
          expect(byId(graph).map((c) => c.customerId)).toEqual([...new Set(Object.values(expected))].sort());
          expect(events.filter((e) => e.type === 'IdentityConflictRecorded')).toEqual([]);
        }
        // The survivors are the same customers in every respect: first seen, identifiers.
        for (const { graph } of results.slice(1)) expect(byId(graph)).toEqual(byId(results[0].graph));
      }),
      RUNS,
    );
  });

  it('changes nothing when touchpoints come again, in any order and interleaved with the first time', () => {
    fc.assert(
      fc.property(scenario(), fc.nat(), ([set, [first, second, third]], cut) => {
        const once = resolveAll(first, GENEROUS);
        const again = resolveAll(second, GENEROUS, once.graph);
        expect(again.events).toEqual([]);
        expect(again.graph).toEqual(once.graph);

        const split = cut % (third.length + 1);
        const interleaved = resolveAll([...third.slice(0, split), ...first, ...third.slice(split)], GENEROUS);
        expect(customersOf(interleaved.graph, set)).toEqual(expectedCustomers(set));
        expect(interleaved.events.filter((e) => e.type === 'TouchpointAttributed')).toHaveLength(set.length);
      }),
      RUNS,
    );
  });

  it('decides on the slice a store loads exactly as on the whole graph', () => {
    fc.assert(
      fc.property(scenario(['c-1', 'c-2']), ([, [order]]) => {
        let graph = initialState();
        for (const t of order) {
          const command = resolveTouchpoint(t);
          const events = decide(command, graph, TIGHT);
          expect(decide(command, identitySlice(graph, command), TIGHT)).toEqual(events);
          graph = events.reduce(evolve, graph);
        }
      }),
      RUNS,
    );
  });

  it('keeps the guardrails: one customer id and the limits per customer, each touchpoint on its best identifier\'s customer', () => {
    fc.assert(
      fc.property(scenario(['c-1', 'c-2', 'c-3']), ([set, orders]) => {
        for (const order of orders) {
          const { graph, events } = resolveAll([...order, ...order.slice(0, 5)], TIGHT);
          const attributions = events.filter((e) => e.type === 'TouchpointAttributed').map((e) => e.data.eventId);
          expect(attributions.sort()).toEqual(set.map((t) => t.eventId).sort());

          const broken: string[] = [];
          for (const customer of liveCustomers(graph)) {
            for (const type of IDENTIFIER_PRIORITY) {
              const held = customer.identifiers.filter((k) => k.startsWith(`${type}:`)).length;
              if (held > TIGHT.maxValuesPerType[type]) broken.push(`${customer.customerId} holds ${held} ${type}`);
            }
            for (const key of customer.identifiers) if (graph.owners.get(key) !== customer.customerId) broken.push(`${key} is not owned by ${customer.customerId}`);
          }
          for (const [key, owner] of graph.owners) if (!graph.customers.get(owner)!.identifiers.includes(key)) broken.push(`${owner} lacks ${key}`);
          for (const t of set) {
            const best = IDENTIFIER_PRIORITY.find((type) => t.identifiers[type] !== null && !isPlaceholder(t.identifiers[type]!));
            const landed = customerOfTouchpoint(graph, t.eventId);
            if (best && customerOfIdentifier(graph, `${best}:${t.identifiers[best]}`) !== landed) broken.push(`${t.eventId} is not on its ${best}'s customer`);
          }
          expect(broken).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('settles every guardrail conflict as the first decisions did, in any order, when given what they refused', () => {
    fc.assert(
      fc.property(scenario(['c-1', 'c-2', 'c-3']), ([set, [live, ...rebuilds]]) => {
        const first = resolveAll(live, TIGHT);
        const refusedBefore = refusalsOf(first.events);
        for (const order of rebuilds) {
          let graph = initialState();
          const events: IdentityEvent[] = [];
          for (const t of order) {
            const decided = decide(resolveTouchpoint(t, refusedBefore.get(t.eventId)), graph, TIGHT);
            graph = decided.reduce(evolve, graph);
            events.push(...decided);
          }
          expect(customersOf(graph, set)).toEqual(customersOf(first.graph, set));
          expect(byId(graph)).toEqual(byId(first.graph));
          expect(refusalsOf(events)).toEqual(refusedBefore);
        }
      }),
      RUNS,
    );
  });
});

/** The refused links of each touchpoint, in a stable order. */
function refusalsOf(events: readonly IdentityEvent[]): Map<string, RecordedRefusal[]> {
  const refusals = new Map<string, RecordedRefusal[]>();
  for (const event of events) {
    if (event.type !== 'IdentityConflictRecorded') continue;
    const { eventId, identifier, reason } = event.data;
    refusals.set(eventId, [...(refusals.get(eventId) ?? []), { identifier, reason }].sort((a, b) => (a.identifier < b.identifier ? -1 : 1)));
  }
  return new Map([...refusals].sort(([a], [b]) => (a < b ? -1 : 1)));
}
