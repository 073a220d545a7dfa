import type { RecordedEvent } from '@cdp/event-log';
import type { SqlExecutor } from '@cdp/sql';

export interface DeadLetter {
  readonly id: string;
  readonly projection: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly error: string;
  readonly held: boolean;
  readonly failedAt: string;
}

export const HELD_REASON = 'held back: an earlier event of this stream is a dead letter';

/** Streams of these events that have unresolved dead letters: their later events wait behind them. */
export async function heldStreams(tx: SqlExecutor, projection: string, streamIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await tx.query<{ stream_id: string }>(
    `SELECT DISTINCT stream_id FROM projections.dead_letters WHERE projection = $1 AND resolved_at IS NULL AND stream_id = ANY($2::text[])`,
    [projection, [...new Set(streamIds)]],
  );
  return new Set(rows.map((r) => r.stream_id));
}

export async function park(tx: SqlExecutor, projection: string, event: RecordedEvent, error: string, held: boolean): Promise<void> {
  await tx.query(
    `INSERT INTO projections.dead_letters (projection, event_id, stream_id, event, error, held) VALUES ($1, $2, $3, $4, $5, $6)`,
    [projection, event.eventId, event.streamId, JSON.stringify(event), error, held],
  );
}

export async function listDeadLetters(db: SqlExecutor, projection?: string): Promise<DeadLetter[]> {
  const { rows } = await db.query<{ id: string; projection: string; event_id: string; stream_id: string; error: string; held: boolean; failed_at: Date | string }>(
    `SELECT id, projection, event_id, stream_id, error, held, failed_at FROM projections.dead_letters
     WHERE resolved_at IS NULL AND ($1::text IS NULL OR projection = $1) ORDER BY id`,
    [projection ?? null],
  );
  return rows.map((r) => ({
    id: String(r.id),
    projection: r.projection,
    eventId: r.event_id,
    streamId: r.stream_id,
    error: r.error,
    held: r.held,
    failedAt: new Date(r.failed_at).toISOString(),
  }));
}

/** How many unresolved dead letters each projection has; a projection with none is absent. */
export async function countDeadLetters(db: SqlExecutor): Promise<Map<string, number>> {
  const { rows } = await db.query<{ projection: string; open: string }>(
    `SELECT projection, count(*) AS open FROM projections.dead_letters WHERE resolved_at IS NULL GROUP BY projection`,
  );
  return new Map(rows.map((r) => [r.projection, Number(r.open)]));
}

/** Unresolved dead letters of a projection, stream by stream, each stream in log order. */
export async function openLettersByStream(tx: SqlExecutor, projection: string, ids?: readonly string[]) {
  const { rows } = await tx.query<{ id: string; stream_id: string; event: RecordedEvent }>(
    `SELECT id, stream_id, event FROM projections.dead_letters
     WHERE projection = $1 AND resolved_at IS NULL
       AND ($2::bigint[] IS NULL OR stream_id IN (SELECT stream_id FROM projections.dead_letters WHERE id = ANY($2::bigint[])))
     ORDER BY id`,
    [projection, ids ?? null],
  );
  const byStream = new Map<string, { id: string; event: RecordedEvent }[]>();
  for (const row of rows) byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), { id: String(row.id), event: row.event }]);
  return byStream;
}

export async function resolve(tx: SqlExecutor, id: string): Promise<void> {
  await tx.query(`UPDATE projections.dead_letters SET resolved_at = now() WHERE id = $1`, [id]);
}

/**
 * Deletes the dead letters resolved before `resolvedBefore`, and says how many: each holds its whole
 * event, personal data included, which the log keeps anyway; open ones stay whatever their age.
 */
export async function pruneResolvedDeadLetters(db: SqlExecutor, resolvedBefore: Date): Promise<number> {
  const { rows } = await db.query<{ deleted: number }>(
    `WITH gone AS (DELETE FROM projections.dead_letters WHERE resolved_at < $1 RETURNING 1) SELECT count(*)::int AS deleted FROM gone`,
    [resolvedBefore.toISOString()],
  );
  return rows[0].deleted;
}

export async function recordFailure(tx: SqlExecutor, id: string, error: string): Promise<void> {
  await tx.query(`UPDATE projections.dead_letters SET error = $2, held = false, failed_at = now() WHERE id = $1`, [id, error]);
}
