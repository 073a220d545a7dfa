import type { Checkpoint, EventLog, Subscription } from '@cdp/event-log';
import type { SqlClient } from '@cdp/sql';
import { applyBatch } from './apply-batch';
import { readCheckpoint, writeCheckpoint } from './checkpoints';
import type { ProjectionHandler } from './projection.port';

export interface RunProjectionOptions {
  /** The name checkpoints and dead letters are kept under. */
  readonly name: string;
  readonly handler: ProjectionHandler;
  readonly log: EventLog;
  readonly sql: SqlClient;
  readonly maxBatchSize?: number;
  /** Called after each committed batch with how many events it held. */
  readonly onBatchDone?: (events: number, checkpoint: Checkpoint) => void;
  readonly onError?: (error: unknown) => void;
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
  const subscription: Subscription = await log.subscribe({
    subscriberId: `projection.${name}`,
    from: checkpoint,
    maxBatchSize: options.maxBatchSize ?? 500,
    onError: options.onError,
    onBatch: async (batch) => {
      await sql.transaction(async (tx) => {
        await applyBatch(tx, name, handler, batch.events);
        await writeCheckpoint(tx, name, batch.checkpoint, batch.events.length);
      });
      checkpoint = { ...checkpoint, ...batch.checkpoint };
      await handler.afterCommit?.();
      options.onBatchDone?.(batch.events.length, checkpoint);
    },
  });
  return { name, checkpoint: () => checkpoint, close: () => subscription.close() };
}
