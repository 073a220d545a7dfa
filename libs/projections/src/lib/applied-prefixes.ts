import type { Checkpoint, RecordedEvent } from '@cdp/event-log';

export interface AppliedPrefixes {
  /** The events of a batch that were not committed ahead of it. */
  notApplied(partition: string, events: readonly RecordedEvent[]): readonly RecordedEvent[];
  /** Events of a partition committed ahead of the rest of their batch. */
  remember(partition: string, events: readonly RecordedEvent[]): void;
  /** A batch of the partition was committed to its end, past every event remembered. */
  forget(partition: string): void;
}

/**
 * The first events of a batch that were committed on their own while the rest waited (see
 * `WaitForProjectionError.ready`), so that a delivery of that batch again applies them no more. A
 * log delivers a failed batch again from its first event, and may hand over fewer events than the
 * first time (a Kafka fetch), so the events are known by their offsets, not by a count.
 */
export function appliedPrefixes(): AppliedPrefixes {
  const applied = new Map<string, Set<string>>();
  return {
    notApplied(partition, events) {
      const offsets = applied.get(partition);
      return offsets ? events.filter((e) => !offsets.has(e.offset)) : events;
    },
    remember(partition, events) {
      const offsets = applied.get(partition) ?? new Set<string>();
      for (const event of events) offsets.add(event.offset);
      applied.set(partition, offsets);
    },
    forget(partition) {
      applied.delete(partition);
    },
  };
}

/** The checkpoint once `events` (of one partition, in log order) are processed: its last event's offset. */
export function checkpointAfter(events: readonly RecordedEvent[]): Checkpoint {
  const last = events[events.length - 1];
  return { [last.partition]: last.offset };
}
