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
