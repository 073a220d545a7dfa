import type { Checkpoint, RecordedEvent, SubscriptionBatch } from '@cdp/event-log';

/** Batches of one or more partitions, applied as one. */
export interface BatchGroup {
  /** Each partition's events in log order, one partition after another. */
  readonly events: readonly RecordedEvent[];
  /** Every partition of the group at its batch's end: its keys are the group's partitions. */
  readonly checkpoint: Checkpoint;
  readonly resumed: boolean;
  /** Each partition's offset its batch follows, where the log says (SubscriptionBatch.follows); else undefined. */
  readonly follows?: Readonly<Record<string, string | null>>;
}

/**
 * Gathers the batches a subscription hands over at once (one per partition, as a Kafka fetch
 * brings them: `SubscribeOptions.concurrentPartitions`) into groups of up to `maxEvents`, and
 * applies one group at a time: a group pays once for what each batch would pay alone (a
 * transaction and its fixed statements, an insert per table). Each batch's promise settles with
 * its group, so a failed group is delivered again, batch by batch, by the log. A batch larger than
 * `maxEvents` forms a group of its own.
 */
export function batchGroups(maxEvents: number, apply: (group: BatchGroup) => Promise<void>): (batch: SubscriptionBatch) => Promise<void> {
  const waiting: { batch: SubscriptionBatch; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let draining = false;

  const drain = async () => {
    while (waiting.length > 0) {
      const members = [waiting.shift()!];
      let size = members[0].batch.events.length;
      while (waiting.length > 0 && size + waiting[0].batch.events.length <= maxEvents) {
        size += waiting[0].batch.events.length;
        members.push(waiting.shift()!);
      }
      const batches = members.map((m) => m.batch);
      try {
        await apply({
          events: batches.flatMap((b) => b.events),
          checkpoint: Object.assign({}, ...batches.map((b) => b.checkpoint)) as Checkpoint,
          resumed: batches.some((b) => b.resumed),
          follows: batches.every((b) => b.follows !== undefined) ? Object.fromEntries(batches.map((b) => [b.partition, b.follows!])) : undefined,
        });
        for (const member of members) member.resolve();
      } catch (error) {
        for (const member of members) member.reject(error);
      }
    }
    draining = false;
  };

  return (batch) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ batch, resolve, reject });
      if (draining) return;
      draining = true;
      // The other batches of the same fetch are handed over within this turn of the event loop.
      setImmediate(() => void drain());
    });
}
