import type { IdentifierKey } from './identifier-key';
import { identifierKeysOf } from './identifier-key';
import type { IdentityCommand } from './identity.commands';

/** A customer as identity resolution knows it. */
export interface CustomerNode {
  readonly customerId: string;
  /** When its earliest touchpoint happened (ISO instant, UTC, milliseconds) and that touchpoint's id. */
  readonly firstSeenAt: string;
  readonly firstEventId: string;
  /** The identifier keys it holds, sorted; empty once merged, because they moved to the survivor. */
  readonly identifiers: readonly IdentifierKey[];
  /** The customer it was merged into (which may itself be merged later), or null while it lives. */
  readonly mergedInto: string | null;
}

/**
 * The state of the identity decider: the identity graph, or the slice of it that one decision needs.
 *
 * Folding every identity event with `evolve` gives the whole graph (what the in-memory tests and
 * `resolveAll` use). A store instead loads, for a `ResolveTouchpoint`, exactly the slice that
 * `identitySlice` returns, and nothing else is read by `decide`:
 *   - `attributions`: the entry of the command's eventId, if that touchpoint was already attributed;
 *   - `owners`: for each key of `identifierKeysOf(command.data.identifiers)` (placeholders left out)
 *     that some customer holds, that customer; it is always a live one, because a merge moves the
 *     identifiers of the merged customer to the survivor;
 *   - `customers`: each of those owners, with all its identifier keys (not only the touchpoint's:
 *     the per-type limits count them all), firstSeenAt, firstEventId, and mergedInto = null.
 * Folding the decided events over that slice yields what the store writes back: new customers,
 * merged customers with their mergedInto, every identifier of a merged customer now owned by the
 * survivor, new links, and the attribution. Two decisions whose slices share a customer or a key
 * must not run at once (the store serialises them, e.g. by locking the keys).
 */
export interface IdentityGraph {
  /** Customers by id, live and merged. */
  readonly customers: ReadonlyMap<string, CustomerNode>;
  /** The customer holding each identifier key: always a live customer. */
  readonly owners: ReadonlyMap<IdentifierKey, string>;
  /** The customer each resolved touchpoint landed on when it was resolved (event id → customer id). */
  readonly attributions: ReadonlyMap<string, string>;
}

export function emptyIdentityGraph(): IdentityGraph {
  return { customers: new Map(), owners: new Map(), attributions: new Map() };
}

/** The live customer that `customerId` is today, following merges; undefined when unknown. */
export function survivorOf(graph: IdentityGraph, customerId: string): string | undefined {
  let current = graph.customers.get(customerId);
  for (let hops = 0; current?.mergedInto != null && hops <= graph.customers.size; hops++) {
    current = graph.customers.get(current.mergedInto);
  }
  return current?.mergedInto === null ? current.customerId : undefined;
}

/** The live customer holding an identifier ("type:value"). */
export function customerOfIdentifier(graph: IdentityGraph, key: IdentifierKey): string | undefined {
  const owner = graph.owners.get(key);
  return owner === undefined ? undefined : survivorOf(graph, owner);
}

/** The live customer a touchpoint belongs to today. */
export function customerOfTouchpoint(graph: IdentityGraph, eventId: string): string | undefined {
  const landed = graph.attributions.get(eventId);
  return landed === undefined ? undefined : survivorOf(graph, landed);
}

export function liveCustomers(graph: IdentityGraph): CustomerNode[] {
  return [...graph.customers.values()].filter((c) => c.mergedInto === null);
}

/** Exactly the part of the graph that `decide` reads for this command; what a store must load. */
export function identitySlice(graph: IdentityGraph, command: IdentityCommand): IdentityGraph {
  switch (command.type) {
    case 'ResolveTouchpoint': {
      const { eventId, identifiers } = command.data;
      const attributed = graph.attributions.get(eventId);
      const owners = new Map<IdentifierKey, string>();
      const customers = new Map<string, CustomerNode>();
      for (const key of identifierKeysOf(identifiers)) {
        const owner = customerOfIdentifier(graph, key);
        if (owner === undefined) continue;
        owners.set(key, owner);
        customers.set(owner, graph.customers.get(owner)!);
      }
      return { customers, owners, attributions: new Map(attributed === undefined ? [] : [[eventId, attributed]]) };
    }
    default: {
      const unknown: never = command.type;
      throw new Error(`no identity slice for command ${String(unknown)}`);
    }
  }
}
