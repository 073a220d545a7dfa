import type { Checkpoint, RecordedEvent } from '@cdp/event-log';
import type { SqlExecutor } from '@cdp/sql';

export async function readCheckpoint(db: SqlExecutor, projection: string): Promise<{ checkpoint: Checkpoint; processed: number }> {
  const { rows } = await db.query<{ partition: string; offset: string; processed: string }>(
    `SELECT partition, "offset", processed FROM projections.checkpoints WHERE projection = $1`,
    [projection],
  );
  return {
    checkpoint: Object.fromEntries(rows.map((r) => [r.partition, r.offset])),
    processed: rows.reduce((sum, r) => sum + Number(r.processed), 0),
  };
}

/** Moves each partition of the checkpoint on, counting the events processed in each, in one statement. */
export async function writeCheckpoint(tx: SqlExecutor, projection: string, checkpoint: Checkpoint, events: readonly RecordedEvent[]): Promise<void> {
  const processed = new Map<string, number>();
  for (const event of events) processed.set(event.partition, (processed.get(event.partition) ?? 0) + 1);
  const partitions = Object.keys(checkpoint);
  await tx.query(
    `INSERT INTO projections.checkpoints (projection, partition, "offset", processed)
     SELECT $1, partition, "offset", processed FROM unnest($2::text[], $3::text[], $4::bigint[]) AS moved(partition, "offset", processed)
     ON CONFLICT (projection, partition) DO UPDATE
       SET "offset" = excluded."offset", processed = checkpoints.processed + excluded.processed, updated_at = now()`,
    [projection, partitions, partitions.map((p) => checkpoint[p]), partitions.map((p) => processed.get(p) ?? 0)],
  );
}

/**
 * Where processes share the log's partitions: fails the batch, before its checkpoint is written,
 * when a partition's stored checkpoint is neither the offset the batch follows nor one this runner
 * wrote itself (`ownLast`, a batch's ready first events committed ahead of it). Another process
 * then took the partition over and went on (this one paused past its group session, say): its
 * batch would apply those events again, and set the checkpoint back. The rows stay locked until
 * the commit, so two processes' batches of a partition commit one after the other.
 */
export async function checkpointsUnmoved(
  tx: SqlExecutor,
  projection: string,
  follows: Readonly<Record<string, string | null>>,
  ownLast: ReadonlyMap<string, string>,
): Promise<void> {
  const partitions = Object.keys(follows);
  const { rows } = await tx.query<{ partition: string; offset: string }>(
    `SELECT partition, "offset" FROM projections.checkpoints WHERE projection = $1 AND partition = ANY($2::text[]) FOR UPDATE`,
    [projection, partitions],
  );
  const stored = new Map(rows.map((r) => [r.partition, r.offset]));
  for (const partition of partitions) {
    const now = stored.get(partition) ?? null;
    if (now !== follows[partition] && now !== (ownLast.get(partition) ?? null)) throw new CheckpointMovedError(projection, partition, now, follows[partition]);
  }
}

export class CheckpointMovedError extends Error {
  readonly code = 'PROJECTIONS.PARTITION_TAKEN_OVER';

  constructor(projection: string, partition: string, stored: string | null, follows: string | null) {
    super(
      `the ${projection} projection's checkpoint of ${partition} is at ${stored ?? 'its start'}, not at ${follows ?? 'its start'} where this batch follows on: ` +
        'another process took the partition over and went on; this one applies nothing of it and follows the log again from the stored checkpoint',
    );
    this.name = 'CheckpointMovedError';
  }
}
