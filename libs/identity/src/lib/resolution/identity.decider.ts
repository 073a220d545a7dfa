import { isUuid } from '@cdp/events';
import { IDENTIFIER_PRIORITY } from '../identifiers/identifier-types';
import { customerIdFor } from './customer-id';
import { identifierKeysOf, identifierTypeOf, type IdentifierKey } from './identifier-key';
import type { IdentityCommand, ResolveTouchpoint } from './identity.commands';
import { IncompleteIdentityStateError, InvalidIdentityCommandError } from './identity.errors';
import { IDENTITY_CONFLICT_REASONS, type IdentityConflictReason, type IdentityEvent } from './identity.events';
import { emptyIdentityGraph, type CustomerNode, type IdentityGraph } from './identity-graph';
import { assertValidIdentityPolicy, type IdentityPolicy } from './identity-policy';

/*
 * The identity rules.
 *
 * 1. The identifiers of one touchpoint belong to one customer; a touchpoint that shows identifiers
 *    of several customers merges them. Placeholders link nothing.
 * 2. A customer is named after its earliest touchpoint (by occurredAt, then event id), and a merge
 *    keeps the customer first seen earliest. So a late touchpoint that is earlier than every
 *    customer it joins re-keys them: a customer named after it is created and they all merge into
 *    it. Together these make the customers, and their ids, the same for any arrival order.
 * 3. Guardrails: going through the touchpoint's identifiers from the most trustworthy, the first
 *    one always decides where the touchpoint lands; each further one is refused, and recorded as a
 *    conflict, when linking it or merging its customer would put two different customer ids, or
 *    more values of a type than the policy allows, on one customer. Which one is refused depends
 *    on which came first: a touchpoint decided again (a rebuild) refuses what it refused the first
 *    time (`refusedBefore`). The links left are then those the first decisions accepted, whose
 *    customers hold one customer id and keep the limits at every step, so in any order they
 *    give the same customers as the first time.
 */

export function initialState(): IdentityGraph {
  return emptyIdentityGraph();
}

export function decide(command: IdentityCommand, state: IdentityGraph, policy: IdentityPolicy): IdentityEvent[] {
  switch (command.type) {
    case 'ResolveTouchpoint':
      return resolve(command, state, policy);
    default: {
      const unknown: never = command.type;
      throw new InvalidIdentityCommandError(`unknown identity command ${String(unknown)}`);
    }
  }
}

export function evolve(state: IdentityGraph, event: IdentityEvent): IdentityGraph {
  switch (event.type) {
    case 'CustomerCreated': {
      const { customerId, firstSeenAt, firstEventId } = event.data;
      if (state.customers.has(customerId)) return state;
      const customers = new Map(state.customers).set(customerId, { customerId, firstSeenAt, firstEventId, identifiers: [], mergedInto: null });
      return { ...state, customers };
    }
    case 'IdentifierLinked': {
      const { customerId, identifier } = event.data;
      const node = customerIn(state, customerId, `${identifier} is linked to it`);
      const customers = new Map(state.customers);
      const previous = state.owners.get(identifier);
      if (previous !== undefined && previous !== customerId && customers.has(previous)) {
        const old = customers.get(previous)!;
        customers.set(previous, { ...old, identifiers: old.identifiers.filter((k) => k !== identifier) });
      }
      customers.set(customerId, { ...node, identifiers: union(node.identifiers, [identifier]) });
      return { ...state, customers, owners: new Map(state.owners).set(identifier, customerId) };
    }
    case 'CustomerMerged': {
      const { from, into } = event.data;
      const merged = customerIn(state, from, `it is merged into ${into}`);
      const survivor = customerIn(state, into, `${from} is merged into it`);
      const customers = new Map(state.customers)
        .set(from, { ...merged, identifiers: [], mergedInto: into })
        .set(into, { ...survivor, identifiers: union(survivor.identifiers, merged.identifiers) });
      const owners = new Map(state.owners);
      for (const key of merged.identifiers) owners.set(key, into);
      return { ...state, customers, owners };
    }
    case 'IdentityConflictRecorded':
      return state;
    case 'TouchpointAttributed':
      return { ...state, attributions: new Map(state.attributions).set(event.data.eventId, event.data.customerId) };
    default: {
      const unknown: never = event;
      throw new Error(`unknown identity event ${(unknown as { type: string }).type}`);
    }
  }
}

/** The decider with its policy bound, in the `(command, state)` shape a generic command handler takes. */
export function identityDecider(policy: IdentityPolicy) {
  assertValidIdentityPolicy(policy);
  return { decide: (command: IdentityCommand, state: IdentityGraph) => decide(command, state, policy), evolve, initialState };
}

interface Refusal {
  readonly identifier: IdentifierKey;
  readonly reason: IdentityConflictReason;
  readonly conflictingCustomerId: string | null;
}

function resolve({ data }: ResolveTouchpoint, state: IdentityGraph, policy: IdentityPolicy): IdentityEvent[] {
  assertValidIdentityPolicy(policy);
  const { eventId } = data;
  if (!isUuid(eventId)) throw new InvalidIdentityCommandError(`event id "${eventId}" is not a UUID`);
  const touchpoint: FirstSeen = { at: instantOf(data.occurredAt), eventId };
  const occurredAt = new Date(touchpoint.at).toISOString();
  if (state.attributions.has(eventId)) return [];

  // The customers the touchpoint joins, the keys they hold together with its accepted identifiers,
  // its identifiers that nobody holds yet, and the refused ones.
  const joined = new Map<string, CustomerNode>();
  const held = new Set<IdentifierKey>();
  const unheld: IdentifierKey[] = [];
  const refused: Refusal[] = [];
  const refusedBefore = new Map(data.refusedBefore?.map((r) => [r.identifier, r.reason]));
  identifierKeysOf(data.identifiers).forEach((key, index) => {
    const owner = ownerIn(state, key);
    if (owner && joined.has(owner.customerId)) return;
    const adding = owner ? owner.identifiers : [key];
    const reason = index === 0 ? undefined : (refusedBefore.get(key) ?? refusalOf(held, adding, policy));
    if (reason) {
      refused.push({ identifier: key, reason, conflictingCustomerId: owner?.customerId ?? null });
      return;
    }
    if (owner) joined.set(owner.customerId, owner);
    else unheld.push(key);
    adding.forEach((k) => held.add(k));
  });

  const events: IdentityEvent[] = [];
  const byFirstSeen = [...joined.values()].sort((a, b) => compareFirstSeen(firstSeenOf(a), firstSeenOf(b)));
  const earliest = byFirstSeen[0];
  let survivor: string;
  let mergedAway: CustomerNode[];
  if (earliest === undefined || compareFirstSeen(touchpoint, firstSeenOf(earliest)) < 0) {
    survivor = customerIdFor(eventId);
    mergedAway = byFirstSeen;
    events.push({ type: 'CustomerCreated', data: { customerId: survivor, firstSeenAt: occurredAt, firstEventId: eventId } });
  } else {
    survivor = earliest.customerId;
    mergedAway = byFirstSeen.slice(1);
  }
  for (const from of mergedAway) events.push({ type: 'CustomerMerged', data: { from: from.customerId, into: survivor, eventId, occurredAt } });
  for (const identifier of unheld) events.push({ type: 'IdentifierLinked', data: { customerId: survivor, identifier, eventId } });
  for (const r of refused) events.push({ type: 'IdentityConflictRecorded', data: { eventId, occurredAt, ...r, customerId: survivor } });
  events.push({ type: 'TouchpointAttributed', data: { eventId, customerId: survivor } });
  return events;
}

/**
 * Why adding these keys to a customer holding `held` is refused, if it is: only what the addition
 * brings counts, so a customer already over a lowered limit can still take identifiers of other types.
 */
function refusalOf(held: ReadonlySet<IdentifierKey>, adding: readonly IdentifierKey[], policy: IdentityPolicy): IdentityConflictReason | undefined {
  const added = adding.filter((k) => !held.has(k));
  if (added.length === 0) return undefined;
  const before = countByType(held);
  const after = countByType([...held, ...added]);
  const grows = (type: string) => (after.get(type) ?? 0) > (before.get(type) ?? 0);
  if ((after.get('customerId') ?? 0) > 1 && grows('customerId')) return IDENTITY_CONFLICT_REASONS.DIFFERENT_CUSTOMER_IDS;
  const tooMany = IDENTIFIER_PRIORITY.some((type) => (after.get(type) ?? 0) > policy.maxValuesPerType[type] && grows(type));
  return tooMany ? IDENTITY_CONFLICT_REASONS.TOO_MANY_VALUES : undefined;
}

function countByType(keys: Iterable<IdentifierKey>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(identifierTypeOf(key), (counts.get(identifierTypeOf(key)) ?? 0) + 1);
  return counts;
}

/** The live customer holding a key; owners are live, but a store may hand over one merged since. */
function ownerIn(state: IdentityGraph, key: IdentifierKey): CustomerNode | undefined {
  const ownerId = state.owners.get(key);
  if (ownerId === undefined) return undefined;
  let node = customerIn(state, ownerId, `it holds ${key}`);
  for (let hops = 0; node.mergedInto !== null; hops++) {
    if (hops > state.customers.size) throw new IncompleteIdentityStateError(ownerId, 'its merges form a cycle');
    node = customerIn(state, node.mergedInto, `${node.customerId} was merged into it`);
  }
  return node;
}

function customerIn(state: IdentityGraph, customerId: string, needed: string): CustomerNode {
  const node = state.customers.get(customerId);
  if (!node) throw new IncompleteIdentityStateError(customerId, needed);
  return node;
}

/** Sorted union of two key lists. */
function union(a: readonly IdentifierKey[], b: readonly IdentifierKey[]): IdentifierKey[] {
  return [...new Set([...a, ...b])].sort();
}

/** When something was first seen: the order of customers and touchpoints that the rules use. */
interface FirstSeen {
  readonly at: number;
  readonly eventId: string;
}

function firstSeenOf(customer: CustomerNode): FirstSeen {
  return { at: instantOf(customer.firstSeenAt), eventId: customer.firstEventId };
}

/** Earlier instant first, then the smaller event id (which also gives the smaller customer id). */
function compareFirstSeen(a: FirstSeen, b: FirstSeen): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds of an ISO 8601 instant, so that "…00Z", "…00.000Z" and "…03:30+03:30" compare equal.
 * The zone is required: without one the instant would depend on the machine's time zone.
 */
function instantOf(iso: string): number {
  const at = ISO_INSTANT.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(at)) throw new InvalidIdentityCommandError(`occurredAt "${iso}" is not an ISO 8601 instant with a zone, e.g. 2026-11-20T10:15:00Z`);
  return at;
}
