import type { SqlClient, SqlExecutor } from '@cdp/sql';
import { WaitForProjectionError } from './retry-batch-later.error';

/**
 * A projection's generation counts the rebuilds swapped in. Processes that share a projection (a
 * Kafka consumer group each takes part of) go on applying batches while one of them rebuilds it.
 * So a rebuild holds their batches back from its last catch-up to its swap (holdOtherProcesses),
 * so that it alone applies those events, and the swap moves the projection to its next
 * generation: each batch checks the generation it started with, and a process whose projection
 * was rebuilt elsewhere commits nothing more and follows the log again from the swapped-in
 * checkpoint. Without this, what the others applied to the old tables in those moments was lost
 * with them, the swap setting the checkpoint back to the rebuild's.
 *
 * Batches take a shared advisory lock, the rebuild's hold an exclusive one: Postgres queues lock
 * requests, so the hold waits only for the batches in flight, and later ones are refused it (a
 * row lock would let new shared holders pass a waiting writer for as long as batches overlap).
 */

const lockKey = (projection: string) => `cdp-projection-generation:${projection}`;

/** The projection's generation, with its row made if it has none. */
export async function currentGeneration(db: SqlExecutor, projection: string): Promise<string> {
  await db.query(`INSERT INTO projections.generations (projection, generation) VALUES ($1, 0) ON CONFLICT (projection) DO NOTHING`, [projection]);
  const { rows } = await db.query<{ generation: string }>(`SELECT generation::text AS generation FROM projections.generations WHERE projection = $1`, [projection]);
  return rows[0].generation;
}

/**
 * Run first in a batch's transaction: fails the batch, to be tried again shortly, while a rebuild
 * holds the projection (it does not wait there: a batch waiting would keep its pool connection,
 * which the rebuild may need), then fails it for good if one was swapped in.
 */
export async function checkGeneration(tx: SqlExecutor, projection: string, generation: string): Promise<void> {
  // Not granted while the hold waits for the batches in flight either: Postgres queues it behind that.
  const { rows: locked } = await tx.query<{ granted: boolean }>(`SELECT pg_try_advisory_xact_lock_shared(hashtext($1)) AS granted`, [lockKey(projection)]);
  if (!locked[0].granted) throw new WaitForProjectionError(projection, `a rebuild of the ${projection} projection is swapping its tables in, in another process: this batch waits for it`);
  // A statement of its own, after the lock: its snapshot then holds what a swap committed meanwhile.
  const { rows } = await tx.query<{ generation: string }>(`SELECT generation::text AS generation FROM projections.generations WHERE projection = $1`, [projection]);
  if (rows[0]?.generation !== generation) throw new ProjectionRebuiltError(projection);
}

/** Run in a rebuild's swap: every process's later batch of the projection fails its check. */
export async function nextGeneration(tx: SqlExecutor, projection: string): Promise<void> {
  await tx.query(
    `INSERT INTO projections.generations (projection, generation) VALUES ($1, 1)
     ON CONFLICT (projection) DO UPDATE SET generation = generations.generation + 1`,
    [projection],
  );
}

/**
 * How long the hold may sit idle while the rebuild's last batches run on other connections: a
 * rebuilding process that hangs there lets the others go after this, and its swap, in the hold's
 * transaction, never happens.
 */
const HOLD_IDLE_LIMIT = '5min';

/**
 * Runs `work` (a rebuild's last catch-up and swap) while no other process applies a batch of the
 * projection: it waits for the batches in flight, and the later ones wait for it. `work` is given
 * the hold's transaction, to swap in: the swap and the others' release commit together, and a hold
 * lost (its session ended) swaps nothing. Nothing to hold on PGlite, one process's session, where
 * a transaction held open would also keep `work`'s own statements waiting: `work` gets undefined.
 */
export async function holdOtherProcesses<T>(sql: SqlClient, projection: string, work: (held: SqlExecutor | undefined) => Promise<T>): Promise<T> {
  if (!sql.sharedByProcesses) return work(undefined);
  return sql.transaction(async (tx) => {
    await tx.query(`SET LOCAL idle_in_transaction_session_timeout = '${HOLD_IDLE_LIMIT}'`);
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [lockKey(projection)]);
    return work(tx);
  });
}

export class ProjectionRebuiltError extends Error {
  readonly code = 'PROJECTIONS.REBUILT_ELSEWHERE';

  constructor(projection: string) {
    super(`the ${projection} projection was rebuilt and swapped in: this process follows the log again from the rebuilt checkpoint, and applies nothing to the old tables`);
    this.name = 'ProjectionRebuiltError';
  }
}
