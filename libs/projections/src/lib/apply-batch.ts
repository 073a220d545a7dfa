import type { RecordedEvent } from '@cdp/event-log';
import type { SqlExecutor } from '@cdp/sql';
import { HELD_REASON, heldStreams, park } from './dead-letters';
import type { ApplyContext, ProjectionHandler } from './projection.port';
import { RetryBatchLaterError } from './retry-batch-later.error';

/**
 * Applies a batch inside the caller's transaction. Events of streams that already have a dead
 * letter are parked behind it, in order. When the handler rejects the batch, each event is tried
 * alone (under a savepoint) to find the poisoned ones: they become dead letters with their error,
 * and the rest of their stream waits behind them; every other event is applied. A handler that
 * throws `RetryBatchLaterError` fails the whole batch instead, to be tried again.
 */
export async function applyBatch(tx: SqlExecutor, projection: string, handler: ProjectionHandler, events: readonly RecordedEvent[], context: ApplyContext): Promise<number> {
  const held = await heldStreams(tx, projection, events.map((e) => e.streamId));
  const ready = events.filter((e) => !held.has(e.streamId));
  for (const event of events.filter((e) => held.has(e.streamId))) await park(tx, projection, event, HELD_REASON, true);
  if (ready.length === 0) return 0;
  try {
    await underSavepoint(tx, () => handler.apply(tx, ready, context));
    return ready.length;
  } catch (error) {
    if (error instanceof RetryBatchLaterError) throw error;
    return applyOneByOne(tx, projection, handler, ready, held);
  }
}

async function applyOneByOne(tx: SqlExecutor, projection: string, handler: ProjectionHandler, events: readonly RecordedEvent[], held: Set<string>) {
  let applied = 0;
  for (const event of events) {
    if (held.has(event.streamId)) {
      await park(tx, projection, event, HELD_REASON, true);
      continue;
    }
    try {
      // The batch's attempt may have written part of it outside the transaction.
      await underSavepoint(tx, () => handler.apply(tx, [event], { resumed: true }));
      applied++;
    } catch (error) {
      if (error instanceof RetryBatchLaterError) throw error;
      await park(tx, projection, event, describe(error), false);
      held.add(event.streamId);
    }
  }
  return applied;
}

export async function underSavepoint<T>(tx: SqlExecutor, work: () => Promise<T>): Promise<T> {
  await tx.query('SAVEPOINT projection_work');
  try {
    const result = await work();
    await tx.query('RELEASE SAVEPOINT projection_work');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK TO SAVEPOINT projection_work');
    throw error;
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
