import type { RecordedEvent } from '@cdp/event-log';
import { isUnreachable, type SqlExecutor, type TransactionExecutor } from '@cdp/sql';
import { HELD_REASON, heldStreams, park } from './dead-letters';
import type { ApplyContext, ProjectionHandler } from './projection.port';
import { RetryBatchLaterError, WaitForProjectionError } from './retry-batch-later.error';

/**
 * Applies a batch inside the caller's transaction. Events of streams that already have a dead
 * letter are parked behind it, in order.
 *
 * `whole` gives the handler the batch at once, with no savepoint (two statements fewer per batch):
 * when the handler rejects it, this throws `BatchRejectedError`, and the caller rolls the
 * transaction back and applies the batch again with that error as the mode. That halves the batch, and tries each
 * half again (under a savepoint), down to the poisoned events alone: they become dead letters with
 * their error, and the rest of their stream waits behind them; every other event is applied. One
 * poisoned event in a batch of n costs about two more applies of n events, where trying each
 * event alone would cost n applies of one.
 *
 * A handler that throws `RetryBatchLaterError`, or whose database refuses the batch whatever its
 * events (isStoreFault), fails the whole batch instead, to be tried again; a
 * `WaitForProjectionError` that names events ready to apply is passed on with their count among
 * `events`, held events included.
 */
export async function applyBatch(
  tx: SqlExecutor,
  projection: string,
  handler: ProjectionHandler,
  events: readonly RecordedEvent[],
  context: ApplyContext,
  mode: 'whole' | BatchRejectedError,
  setAside: SetAside[] = [],
): Promise<number> {
  const held = await heldStreams(tx, projection, events.map((e) => e.streamId));
  const ready = events.filter((e) => !held.has(e.streamId));
  for (const event of events.filter((e) => held.has(e.streamId))) await park(tx, projection, event, HELD_REASON, true);
  if (ready.length === 0) return 0;
  if (mode instanceof BatchRejectedError) return applyHalves(tx, projection, handler, ready, mode.cause, { held, setAside });
  try {
    await handler.apply(tx, ready, context);
    return ready.length;
  } catch (error) {
    if (error instanceof WaitForProjectionError && error.ready > 0) throw error.withReady(events.indexOf(ready[error.ready - 1]) + 1);
    if (error instanceof RetryBatchLaterError || error instanceof WaitForProjectionError) throw error;
    if (isStoreFault(error)) throw storeFault(error);
    throw new BatchRejectedError(error);
  }
}

/** The handler rejected a batch given whole: roll back, and apply it again isolating the poisoned events. */
export class BatchRejectedError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the handler rejected the batch: ${describe(cause)}`, { cause });
    this.name = 'BatchRejectedError';
  }
}

/** An event the handler refused, set aside as a dead letter (not one held back behind it). */
export interface SetAside {
  readonly eventId: string;
  readonly error: string;
}

/** What the halving of a rejected batch keeps track of: the streams held back, and the events set aside. */
interface Halving {
  readonly held: Set<string>;
  readonly setAside: SetAside[];
}

/** Tries each half of events the handler rejected together; a single event is poisoned. */
async function applyHalves(tx: SqlExecutor, projection: string, handler: ProjectionHandler, events: readonly RecordedEvent[], error: unknown, halving: Halving): Promise<number> {
  if (events.length === 1) {
    await park(tx, projection, events[0], describe(error), false);
    halving.held.add(events[0].streamId);
    halving.setAside.push({ eventId: events[0].eventId, error: describe(error) });
    return 0;
  }
  const middle = Math.ceil(events.length / 2);
  return (await applyInOrder(tx, projection, handler, events.slice(0, middle), halving)) + (await applyInOrder(tx, projection, handler, events.slice(middle), halving));
}

/** Applies events in log order: those of a held stream are parked, each run of the others applied together. */
async function applyInOrder(tx: SqlExecutor, projection: string, handler: ProjectionHandler, events: readonly RecordedEvent[], halving: Halving): Promise<number> {
  let applied = 0;
  let run: RecordedEvent[] = [];
  const applyRun = async () => {
    if (run.length > 0) applied += await applyOrHalve(tx, projection, handler, run, halving);
    run = [];
  };
  for (const event of events) {
    if (!halving.held.has(event.streamId)) {
      run.push(event);
      continue;
    }
    await applyRun();
    await park(tx, projection, event, HELD_REASON, true);
  }
  await applyRun();
  return applied;
}

async function applyOrHalve(tx: SqlExecutor, projection: string, handler: ProjectionHandler, events: readonly RecordedEvent[], halving: Halving): Promise<number> {
  try {
    // The batch's attempt may have written part of it outside the transaction.
    await underSavepoint(tx, () => handler.apply(tx, events, { resumed: true }));
    return events.length;
  } catch (error) {
    // Ready events counted within a half mean nothing to the caller: the whole batch waits.
    if (error instanceof WaitForProjectionError) throw error.withReady(0);
    if (error instanceof RetryBatchLaterError) throw error;
    if (isStoreFault(error)) throw storeFault(error);
    return applyHalves(tx, projection, handler, events, error, halving);
  }
}

/**
 * A failure that says a store is unreachable (a connection lost or refused: isUnreachable) or, from
 * Postgres, missing something or failing, whatever the events: a table or schema that is not there
 * (dropped by hand), the disk full, too many connections, an I/O error, a deadlock (these SQLSTATEs,
 * beside the connection's own). Every event would fail alike, so
 * none is a dead letter: the batch is retried, and the projection shows `retrying` with the reason
 * until the store is mended. Refusals a smaller batch may pass (a statement timeout, out of memory,
 * too many parameters) are left to the halving.
 */
const STORE_FAULTS = new Set(['53100', '53300', '58000', '58030', '3F000', '40001', '40P01', '42P01', '42703']);

function isStoreFault(error: unknown): boolean {
  return isUnreachable(error) || STORE_FAULTS.has((error as { code?: unknown }).code as string);
}

function storeFault(error: unknown): RetryBatchLaterError {
  return new RetryBatchLaterError(`the read model's database refused the batch, whatever its events: ${describe(error)}`, { cause: error });
}

export async function underSavepoint<T>(tx: SqlExecutor, work: () => Promise<T>): Promise<T> {
  await tx.query('SAVEPOINT projection_work');
  try {
    const result = await work();
    await tx.query('RELEASE SAVEPOINT projection_work');
    return result;
  } catch (error) {
    // Work that failed with a statement of its own still running would have the rollback refused.
    await (tx as Partial<TransactionExecutor>).idle?.();
    await tx.query('ROLLBACK TO SAVEPOINT projection_work');
    throw error;
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
