import type { Checkpoint, RecordedEvent } from '@cdp/event-log';

export interface AppliedPrefixes {
  /** The events of a batch that were not committed ahead of it. */
  notApplied(events: readonly RecordedEvent[]): readonly RecordedEvent[];
  /** Events committed ahead of the rest of their batch. */
  remember(events: readonly RecordedEvent[]): void;
  /** A batch of these partitions was committed to its end, past every event remembered. */
  forget(partitions: readonly string[]): void;
}

/**
 * The first events of a batch that were committed on their own while the rest waited (see
 * `WaitForProjectionError.ready`), so that a delivery of that batch again applies them no more. A
 * log delivers a failed batch again from its first event, and may hand over fewer events than the
 * first time (a Kafka fetch), so the events are known by their partition and offset, not by a count.
 */
export function appliedPrefixes(): AppliedPrefixes {
  const applied = new Map<string, Set<string>>();
  return {
    notApplied(events) {
      return applied.size === 0 ? events : events.filter((e) => !applied.get(e.partition)?.has(e.offset));
    },
    remember(events) {
      for (const event of events) {
        const offsets = applied.get(event.partition) ?? new Set<string>();
        offsets.add(event.offset);
        applied.set(event.partition, offsets);
      }
    },
    forget(partitions) {
      for (const partition of partitions) applied.delete(partition);
    },
  };
}

/** The checkpoint once `events` (each partition's in log order) are processed: each partition's last offset. */
export function checkpointAfter(events: readonly RecordedEvent[]): Checkpoint {
  const checkpoint: Record<string, string> = {};
  for (const event of events) checkpoint[event.partition] = event.offset;
  return checkpoint;
}
