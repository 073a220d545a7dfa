import type { SqlExecutor } from '@cdp/sql';

/**
 * A projection's generation counts the rebuilds swapped in. Processes that share a projection (a
 * Kafka consumer group each takes part of) go on applying batches while one of them rebuilds it:
 * what they apply to the old tables between the rebuild's last batch and its swap is dropped with
 * those tables, and the swap sets the checkpoint back to the rebuild's. Each batch checks the
 * generation it started with, so a process whose projection was rebuilt elsewhere commits nothing
 * more and follows the log again from the swapped-in checkpoint.
 */

/** The projection's generation, with its row made if it has none, so that batches have a row to lock. */
export async function currentGeneration(db: SqlExecutor, projection: string): Promise<string> {
  await db.query(`INSERT INTO projections.generations (projection, generation) VALUES ($1, 0) ON CONFLICT (projection) DO NOTHING`, [projection]);
  const { rows } = await db.query<{ generation: string }>(`SELECT generation::text AS generation FROM projections.generations WHERE projection = $1`, [projection]);
  return rows[0].generation;
}

/**
 * Run first in a batch's transaction: the row stays share-locked until the commit, so a swap
 * (nextGeneration) waits for the batch in flight, and the batches after it see the new generation.
 */
export async function checkGeneration(tx: SqlExecutor, projection: string, generation: string): Promise<void> {
  const { rows } = await tx.query<{ generation: string }>(`SELECT generation::text AS generation FROM projections.generations WHERE projection = $1 FOR SHARE`, [projection]);
  if (rows[0]?.generation !== generation) throw new ProjectionRebuiltError(projection, generation);
}

/** Run first in a rebuild's swap: every process's later batch of the projection fails its check. */
export async function nextGeneration(tx: SqlExecutor, projection: string): Promise<void> {
  await tx.query(
    `INSERT INTO projections.generations (projection, generation) VALUES ($1, 1)
     ON CONFLICT (projection) DO UPDATE SET generation = generations.generation + 1`,
    [projection],
  );
}

export class ProjectionRebuiltError extends Error {
  readonly code = 'PROJECTIONS.REBUILT_ELSEWHERE';

  constructor(
    projection: string,
    /** The generation the batch was applied for, which is no longer the projection's. */
    readonly generation: string,
  ) {
    super(`the ${projection} projection was rebuilt and swapped in: this process follows the log again from the rebuilt checkpoint, and applies nothing to the old tables`);
    this.name = 'ProjectionRebuiltError';
  }
}
