import type { Checkpoint, EventLog, Subscription } from '@cdp/event-log';
import type { SqlClient, SqlExecutor } from '@cdp/sql';
import { applyBatch } from './apply-batch';
import { readCheckpoint, writeCheckpoint } from './checkpoints';
import type { ProjectionHandler } from './projection.port';

export interface RunProjectionOptions {
  /** The name checkpoints and dead letters are kept under. */
  readonly name: string;
  readonly handler: ProjectionHandler;
  readonly log: EventLog;
  readonly sql: SqlClient;
  /** Default: 5,000. */
  readonly maxBatchSize?: number;
  /** Called after each committed batch with how many events it held. */
  readonly onBatchDone?: (events: number, checkpoint: Checkpoint) => void;
  readonly onError?: (error: unknown) => void;
  /** Runs first in each batch's transaction; a throw rolls the batch back (see runProjectionExclusively). */
  readonly fence?: (tx: SqlExecutor) => Promise<void>;
}

export interface ProjectionRunner {
  readonly name: string;
  /** The checkpoint of the last committed batch. */
  checkpoint(): Checkpoint;
  close(): Promise<void>;
}

/**
 * Follows the log from the projection's stored checkpoint. Each batch is applied and the new
 * checkpoint written in one transaction, so a crash at any point neither loses an event nor
 * applies one twice.
 */
export async function runProjection(options: RunProjectionOptions): Promise<ProjectionRunner> {
  const { name, handler, log, sql } = options;
  let { checkpoint } = await readCheckpoint(sql, name);
  const afterCommit = followUp(handler, options.onError);
  // A crash may have left committed work unsent (an outbox): send it now, not at the next batch.
  void afterCommit.run();
  const subscription: Subscription = await log.subscribe({
    subscriberId: `projection.${name}`,
    from: checkpoint,
    checkpointOf: async () => (await readCheckpoint(sql, name)).checkpoint,
    maxBatchSize: options.maxBatchSize ?? MAX_BATCH_SIZE,
    onError: options.onError,
    onBatch: async (batch) => {
      await sql.transaction(async (tx) => {
        await options.fence?.(tx);
        await applyBatch(tx, name, handler, batch.events, { resumed: batch.resumed });
        await writeCheckpoint(tx, name, batch.checkpoint, batch.events.length);
      });
      checkpoint = { ...checkpoint, ...batch.checkpoint };
      await afterCommit.run();
      options.onBatchDone?.(batch.events.length, checkpoint);
    },
  });
  return {
    name,
    checkpoint: () => checkpoint,
    close: async () => {
      await subscription.close();
      afterCommit.stop();
      await handler.close?.();
    },
  };
}

/**
 * A batch holds what the log has, up to this many events: when a projection is caught up its
 * batches are small, and when it is behind (a start after downtime, a burst, a replay) large
 * batches cost less per event (each is a few statements and one commit, whatever its size).
 */
const MAX_BATCH_SIZE = 5_000;

const FOLLOW_UP_RETRY_MS = 1_000;

/**
 * Runs the handler's after-commit work, one run after another (a run asked for while one is under
 * way follows it, so what a new batch committed is never missed). A failure is reported and retried
 * on a timer: it must not fail the batch, which is committed and would be applied twice if redelivered.
 */
function followUp(handler: ProjectionHandler, onError: ((error: unknown) => void) | undefined) {
  let tail: Promise<void> = Promise.resolve();
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = (): Promise<void> => {
    const work = handler.afterCommit?.bind(handler);
    if (!work || stopped) return tail;
    clearTimeout(retry);
    tail = tail.then(work).catch((error: unknown) => {
      onError?.(error);
      if (!stopped) retry = setTimeout(() => void run(), FOLLOW_UP_RETRY_MS).unref();
    });
    return tail;
  };
  return {
    run,
    stop() {
      stopped = true;
      clearTimeout(retry);
    },
  };
}
