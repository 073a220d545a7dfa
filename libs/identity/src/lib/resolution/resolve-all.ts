import type { Identifiers } from '@cdp/events';
import { resolveTouchpoint } from './identity.commands';
import { decide, evolve, initialState } from './identity.decider';
import type { IdentityEvent } from './identity.events';
import type { IdentityGraph } from './identity-graph';
import type { IdentityPolicy } from './identity-policy';

/**
 * Resolves touchpoints one after another, in the order given, over an in-memory identity graph:
 * the rules without a store, for tests and for checking a rebuild.
 */
export function resolveAll(
  touchpoints: Iterable<{ readonly eventId: string; readonly occurredAt: string; readonly identifiers: Identifiers }>,
  policy: IdentityPolicy,
  graph: IdentityGraph = initialState(),
): { graph: IdentityGraph; events: IdentityEvent[] } {
  const events: IdentityEvent[] = [];
  for (const touchpoint of touchpoints) {
    const decided = decide(resolveTouchpoint(touchpoint), graph, policy);
    graph = decided.reduce(evolve, graph);
    events.push(...decided);
  }
  return { graph, events };
}
