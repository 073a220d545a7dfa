import type { Checkpoint } from '@cdp/event-log';
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

export async function writeCheckpoint(tx: SqlExecutor, projection: string, checkpoint: Checkpoint, processed: number): Promise<void> {
  for (const [partition, offset] of Object.entries(checkpoint)) {
    await tx.query(
      `INSERT INTO projections.checkpoints (projection, partition, "offset", processed) VALUES ($1, $2, $3, $4)
       ON CONFLICT (projection, partition) DO UPDATE
         SET "offset" = excluded."offset", processed = checkpoints.processed + excluded.processed, updated_at = now()`,
      [projection, partition, offset, processed],
    );
  }
}
