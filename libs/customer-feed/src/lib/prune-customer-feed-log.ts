import { feedEventId } from '@cdp/feed';
import { readCheckpoint } from '@cdp/projections';
import type { SqlClient, SqlExecutor } from '@cdp/sql';
import { CUSTOMER_FEED_LOG_SCHEMA, CUSTOMER_FEED_SCHEMA } from './customer-feed-tables';

export interface PruneCustomerFeedLogOptions {
  readonly sql: SqlClient;
  /** Changes recorded before this instant go, except each customer's latest. */
  readonly recordedBefore: Date;
  /** The projections that follow the feed's log: none loses a change it has not processed. */
  readonly followers: readonly string[];
  /** Changes deleted per statement; default 10,000. */
  readonly chunk?: number;
}

const DEFAULT_CHUNK = 10_000;

/**
 * Deletes the feed's old changes, as Kafka compacts a topic: each customer's latest change stays,
 * whatever its age, so a subscriber reading from the start still gets every customer's state.
 * Deletes a chunk at a time, oldest first, and returns how many changes went. The last change
 * deleted, in log order, is kept as the log's pruned-through position (`prunedAfter`).
 */
export async function pruneCustomerFeedLog(options: PruneCustomerFeedLogOptions): Promise<number> {
  const upTo = await positionEveryFollowerPassed(options.sql, options.followers);
  if (upTo === 0n) return 0;
  const chunk = options.chunk ?? DEFAULT_CHUNK;
  let deleted = 0;
  for (;;) {
    const { rows } = await options.sql.query<{ deleted: number }>(
      `WITH doomed AS (
         SELECT e.global_position FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events e
         WHERE e.recorded_at < $1 AND e.global_position <= $2
           AND EXISTS (SELECT 1 FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events later WHERE later.stream_id = e.stream_id AND later.stream_position > e.stream_position)
         ORDER BY e.global_position
         LIMIT $3
       ), gone AS (
         DELETE FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events WHERE global_position IN (SELECT global_position FROM doomed)
         RETURNING transaction_id, global_position
       ), through AS (
         INSERT INTO ${CUSTOMER_FEED_SCHEMA}.log_pruned_through (transaction_id, global_position)
         SELECT transaction_id, global_position FROM gone ORDER BY transaction_id DESC, global_position DESC LIMIT 1
         ON CONFLICT (only_row) DO UPDATE SET transaction_id = excluded.transaction_id, global_position = excluded.global_position
           WHERE (log_pruned_through.transaction_id, log_pruned_through.global_position) < (excluded.transaction_id, excluded.global_position)
       )
       SELECT count(*)::int AS deleted FROM gone`,
      [options.recordedBefore.toISOString(), upTo.toString(), chunk],
    );
    deleted += rows[0].deleted;
    if (rows[0].deleted < chunk) return deleted;
  }
}

/**
 * The log's pruned-through position ("<transaction>:<global position>", as event ids are) when it
 * lies after `offset`: a subscriber resuming at `offset` may then have missed changes that are
 * gone. Undefined when nothing after `offset` was pruned.
 */
export async function prunedAfter(db: SqlExecutor, offset: string): Promise<string | undefined> {
  const [transaction, position] = offset.split(':');
  try {
    const { rows } = await db.query<{ through: string }>(
      `SELECT transaction_id::text || ':' || global_position AS through FROM ${CUSTOMER_FEED_SCHEMA}.log_pruned_through
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`,
      [transaction, position],
    );
    return rows[0]?.through;
  } catch (error) {
    // The table comes with the first process that prunes: without it, nothing was pruned.
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return undefined;
    throw error;
  }
}

/**
 * Whether `offset` is the id of a change this feed gave: one its log holds, or one pruned since
 * (at or before the pruned-through position). A subscriber resuming from any other id (one made up,
 * or of another feed) would silently skip the changes between it and the next real one.
 */
export async function isChangeId(db: SqlExecutor, offset: string, check?: string): Promise<boolean> {
  const held = await changeIdAt(db, offset);
  // A change held there is the one named only if the check matches; otherwise the position may have been pruned.
  if (held !== undefined) return check === undefined || held === `${offset}:${check}`;
  const [transaction, position] = offset.split(':');
  try {
    const { rows } = await db.query<{ pruned: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${CUSTOMER_FEED_SCHEMA}.log_pruned_through WHERE (transaction_id, global_position) >= ($1::xid8, $2::bigint)) AS pruned`,
      [transaction, position],
    );
    return rows[0].pruned;
  } catch (error) {
    // The table comes with the first process that prunes: without it, nothing was pruned.
    if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
    return false;
  }
}

/** The SSE id of the change held at `offset` (see feedEventId); undefined when none is held there. */
export async function changeIdAt(db: SqlExecutor, offset: string): Promise<string | undefined> {
  const [transaction, position] = offset.split(':');
  const { rows } = await db.query<{ event_id: string }>(
    `SELECT event_id::text FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events WHERE transaction_id = $1::xid8 AND global_position = $2::bigint`,
    [transaction, position],
  );
  return rows[0] && feedEventId(offset, rows[0].event_id);
}

const UNDEFINED_TABLE = '42P01';

/** The largest Postgres bigint: no follower bounds the pruning. */
const LAST_POSITION = 9_223_372_036_854_775_807n;

/** The last position of the log that every follower has processed; 0 while one has not started. */
async function positionEveryFollowerPassed(sql: SqlClient, followers: readonly string[]): Promise<bigint> {
  let upTo = LAST_POSITION;
  for (const follower of followers) {
    const offsets = Object.values((await readCheckpoint(sql, follower)).checkpoint);
    if (offsets.length === 0) return 0n;
    // A Postgres log's offset is "<transaction>:<global position>".
    for (const offset of offsets) {
      const position = BigInt(offset.split(':')[1]);
      if (position < upTo) upTo = position;
    }
  }
  return upTo;
}
