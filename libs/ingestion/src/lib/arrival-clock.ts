/**
 * The instants a process stamps touchpoints' `receivedAt` with: its clock's, never earlier than the
 * last one given. What a touchpoint tells counts from its occurredAt but never after its arrival,
 * so an arrival stamped early (the host's clock stepped back by NTP, or resumed stale) would date a
 * later touchpoint, a consent withdrawal say, before those taken just before the step, and let them
 * win. One stamped late loosens nothing: occurredAt, the earlier, counts.
 */
export function arrivalClock(now: () => Date): () => Date {
  let last = -Infinity;
  return () => {
    last = Math.max(last, now().getTime());
    return new Date(last);
  };
}
