import { customerSegmentChanged, type CustomerSegmentChanged } from './rfm.events';
import { InvalidRfmMeasuresError } from './rfm.errors';
import type { RfmWindowDays } from './rfm-parameters';
import type { RfmScored } from './rfm-score';

export interface SegmentChangesInput {
  readonly runId: string;
  readonly asOf: string;
  readonly windowDays: RfmWindowDays;
  /** The scored population of this run: every customer in it, each once. */
  readonly current: readonly Pick<RfmScored, 'customerId' | 'segment' | 'r' | 'f' | 'm'>[];
}

/**
 * Whether a run as of `asOf` becomes the customers' current segments: unless the current ones are
 * as of a later instant (canonical instants, which sort as text), when the run is a what-if. Current
 * segments only move forward in time, so no back-dated analysis rewinds them.
 */
export function becomesCurrent(asOf: string, currentAsOf: string | undefined): boolean {
  return currentAsOf === undefined || asOf >= currentAsOf;
}

/**
 * The segment changes of a run against the segments of the run before (customer id -> segment):
 * one event per customer whose segment changed, entered the population or left it; none for a
 * customer whose segment is the same, whatever its scores. Sorted by customer id.
 */
export function decideSegmentChanges(input: SegmentChangesInput, previous: ReadonlyMap<string, string>): CustomerSegmentChanged[] {
  const { runId, asOf, windowDays, current } = input;
  const currentById = new Map(current.map((scored) => [scored.customerId, scored]));
  if (currentById.size !== current.length) throw new InvalidRfmMeasuresError(`run ${runId}: a customer appears more than once in the current population`);
  const customerIds = [...new Set([...currentById.keys(), ...previous.keys()])].sort(byCodeUnits);
  return customerIds.flatMap((customerId) => {
    const now = currentById.get(customerId);
    const previousSegment = previous.get(customerId) ?? null;
    const segment = now?.segment ?? null;
    if (segment === previousSegment) return [];
    return [customerSegmentChanged({ customerId, previousSegment, segment, r: now?.r ?? null, f: now?.f ?? null, m: now?.m ?? null, asOf, windowDays, runId })];
  });
}

/** A customer's segment stream: null before the first change and after leaving the population. */
export function initialCustomerSegment(): string | null {
  return null;
}

export function evolveCustomerSegment(_segment: string | null, event: CustomerSegmentChanged): string | null {
  switch (event.type) {
    case 'CustomerSegmentChanged':
      return event.data.segment;
    default: {
      const unexpected: never = event.type;
      throw new Error(`unexpected event type ${String(unexpected)}`);
    }
  }
}

// Code-unit order, not localeCompare: the same on every host.
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
