import type { Checkpoint, EventLog, RecordedEvent, Subscription } from '@cdp/event-log';
import type { SqlClient, SqlExecutor } from '@cdp/sql';
import { applyBatch, BatchRejectedError, type SetAside } from './apply-batch';
import { appliedPrefixes, checkpointAfter } from './applied-prefixes';
import { batchGroups, type BatchGroup } from './batch-groups';
import { CheckpointMovedError, checkpointsUnmoved, readCheckpoint, writeCheckpoint } from './checkpoints';
import { checkGeneration, currentGeneration, ProjectionRebuiltError } from './projection-generation';
import type { ProjectionHandler } from './projection.port';
import { WaitForProjectionError } from './retry-batch-later.error';

/** The log's subscriber that a projection's runners are (on Kafka, their consumer group's name, after the namespace's prefix). */
export const projectionSubscriberId = (projection: string): string => `projection.${projection}`;

export interface RunProjectionOptions {
  /** The name checkpoints and dead letters are kept under. */
  readonly name: string;
  readonly handler: ProjectionHandler;
  readonly log: EventLog;
  readonly sql: SqlClient;
  /** The most events applied in one transaction. Default: 5,000. */
  readonly maxBatchSize?: number;
  /** See `ProjectionDefinition.lingerMs`. */
  readonly lingerMs?: number;
  /** Called after each committed batch with how many events it held; a throw is passed to `onError`. */
  readonly onBatchDone?: (events: number, checkpoint: Checkpoint) => void;
  readonly onError?: (error: unknown) => void;
  /** Called after a batch committed with the events it set aside as dead letters (not those held back behind them). */
  readonly onSetAside?: (events: readonly SetAside[]) => void;
  /** See `SubscribeOptions.onResumed`: the log reads again after (re)joining, whatever it reported before. */
  readonly onResumed?: () => void;
  /** Runs first in each batch's transaction; a throw rolls the batch back (see runProjectionExclusively). */
  readonly fence?: (tx: SqlExecutor) => Promise<void>;
}

export interface ProjectionRunner {
  readonly name: string;
  /** The checkpoint of the last committed batch. */
  checkpoint(): Checkpoint;
  /** The partitions this process projects now, where processes share the log's (Kafka); else undefined. */
  partitions(): readonly string[] | undefined;
  close(): Promise<void>;
}

/**
 * Follows the log from the projection's stored checkpoint. Each batch is applied and the new
 * checkpoint written in one transaction, so a crash at any point neither loses an event nor
 * applies one twice. Batches of several partitions that the log hands over at once (a Kafka
 * fetch) are applied together, up to `maxBatchSize` events (see `batchGroups`).
 *
 * A batch that waits for another projection (`WaitForProjectionError`) is tried again here, after
 * 25 ms, then at growing intervals up to 250 ms, for up to `WAIT_IN_BATCH_MS`, without reading it
 * from the log again; the events the handler says are ready are committed meanwhile. Past that
 * time the batch fails, and the log delivers it again after its own pause.
 */
export async function runProjection(options: RunProjectionOptions): Promise<ProjectionRunner> {
  const { name, handler, log, sql } = options;
  const report = reportedOnce(options.onError);
  /** The errors that send this runner back to its stored checkpoint, by the run of the subscription they were raised in. */
  const raisedInRun = new WeakMap<object, number>();
  let run = 0;
  const onError = (error: unknown) => {
    report(error);
    // Each partition of the failed batch reports it: the first starts following again, once per run.
    if (typeof error === 'object' && error !== null && raisedInRun.get(error) === run) void followAgain();
  };
  // The generation first: a swap between the two reads then fails the first batch, which follows the log again.
  let generation = await currentGeneration(sql, name);
  let { checkpoint } = await readCheckpoint(sql, name);
  const afterCommit = followUp(handler, onError);
  // A crash may have left committed work unsent (an outbox): send it now, not at the next batch.
  void afterCommit.run();
  let prefixes = appliedPrefixes();
  /** The offset this runner last committed of each partition, since it last read the stored checkpoint. */
  const ownLast = new Map<string, string>();
  const maxBatchSize = options.maxBatchSize ?? MAX_BATCH_SIZE;
  const settings = sql.sharedByProcesses ? SERVER_BATCH_SETTINGS : BATCH_SETTINGS;
  let closing = false;
  const commit = async (events: readonly RecordedEvent[], to: Checkpoint, resumed: boolean, follows: BatchGroup['follows']) => {
    let setAside: SetAside[] = [];
    const startedIn = run;
    const inTransaction = (mode: 'whole' | BatchRejectedError) =>
      sql.transaction(
        async (tx) => {
          // What an attempt that rolled back set aside was not.
          setAside = [];
          await checkGeneration(tx, name, generation);
          await options.fence?.(tx);
          await applyBatch(tx, name, handler, events, { resumed }, mode, setAside);
          if (follows) await checkpointsUnmoved(tx, name, follows, ownLast);
          await writeCheckpoint(tx, name, to, events);
        },
        { settings },
      );
    await inTransaction('whole')
      .catch((error: unknown) => {
        if (!(error instanceof BatchRejectedError)) throw error;
        return inTransaction(error);
      })
      .catch((error: unknown) => {
        if (error instanceof ProjectionRebuiltError || error instanceof CheckpointMovedError) raisedInRun.set(error, startedIn);
        throw error;
      });
    for (const [partition, offset] of Object.entries(to)) ownLast.set(partition, offset);
    checkpoint = { ...checkpoint, ...to };
    await afterCommit.run();
    // The batch is committed: a throw from here on would have the log deliver it again.
    try {
      if (setAside.length > 0) options.onSetAside?.(setAside);
      options.onBatchDone?.(events.length, checkpoint);
    } catch (error) {
      onError(error);
    }
  };
  const follow = (): Promise<Subscription> => log.subscribe({
    subscriberId: projectionSubscriberId(name),
    from: checkpoint,
    checkpointOf: async () => (await readCheckpoint(sql, name)).checkpoint,
    maxBatchSize,
    concurrentPartitions: true,
    lingerMs: options.lingerMs,
    onError,
    onResumed: options.onResumed,
    onBatch: batchGroups(maxBatchSize, async (group) => {
      let events = prefixes.notApplied(group.events);
      let resumed = group.resumed || events.length < group.events.length;
      for (let waitedMs = 0, stepMs = FIRST_WAIT_STEP_MS; events.length > 0; waitedMs += stepMs, stepMs = Math.min(stepMs * 2, MAX_WAIT_STEP_MS)) {
        try {
          await commit(events, group.checkpoint, resumed, group.follows);
          prefixes.forget(Object.keys(group.checkpoint));
          return;
        } catch (error) {
          if (!(error instanceof WaitForProjectionError) || closing || waitedMs >= WAIT_IN_BATCH_MS) throw error;
          onError(error);
          resumed = true;
          if (error.ready > 0) {
            const ready = events.slice(0, error.ready);
            await commit(ready, checkpointAfter(ready), resumed, group.follows);
            prefixes.remember(ready);
            events = events.slice(error.ready);
          }
          await new Promise((resolve) => setTimeout(resolve, stepMs));
        }
      }
    }),
  });
  let subscription: Subscription | undefined = await follow();
  let following: Promise<void> | undefined;
  /** After a rebuild was swapped in, or another process took a partition over: the subscription starts again from the stored checkpoint. */
  function followAgain(): Promise<void> {
    following ??= (async () => {
      // Out of the failed batch's turn: the subscription is closed from outside its loop.
      await new Promise((resolve) => setImmediate(resolve));
      const old = subscription;
      subscription = undefined;
      run += 1;
      await old?.close().catch(report);
      for (let waitMs = FIRST_WAIT_STEP_MS; !closing; waitMs = Math.min(waitMs * 2, FOLLOW_AGAIN_MAX_WAIT_MS)) {
        try {
          generation = await currentGeneration(sql, name);
          ({ checkpoint } = await readCheckpoint(sql, name));
          prefixes = appliedPrefixes();
          ownLast.clear();
          subscription = await follow();
          return;
        } catch (error) {
          report(error);
          await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
      }
    })().finally(() => (following = undefined));
    return following;
  }
  return {
    name,
    checkpoint: () => checkpoint,
    partitions: () => (subscription === undefined ? [] : subscription.partitions?.()),
    close: async () => {
      closing = true;
      await following;
      await subscription?.close();
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
 * A batch's statements look its keys up (event ids, customer ids) in tables that grow with the
 * log. Costed for spinning disks (Postgres's default random_page_cost of 4), thousands of index
 * lookups look dearer than reading a table of a few hundred thousand rows whole, so Postgres reads
 * it whole, once per batch. The tables' pages are in memory or on SSD: a random page costs 1.1.
 */
const BATCH_SETTINGS = { random_page_cost: '1.1' };

/**
 * On a Postgres server, a batch's transaction that sits idle this long is ended, and the batch
 * retried: a process that hangs mid-batch (paused, frozen) holds its transaction open, and every
 * Postgres log's readers (the event store's projections, the feed's publishers) wait on the oldest
 * open transaction, cluster-wide. Above the ClickHouse client's 70 s timeout, which a sink's insert
 * inside the transaction may take.
 */
const SERVER_BATCH_SETTINGS = { ...BATCH_SETTINGS, idle_in_transaction_session_timeout: '120s' };

/**
 * A failed group fails each of its batches with the same error, and the log reports each of them:
 * one failure is reported once (a wait that runs out was reported when it began).
 */
function reportedOnce(onError: ((error: unknown) => void) | undefined): (error: unknown) => void {
  const reported = new WeakSet<object>();
  return (error) => {
    if (typeof error === 'object' && error !== null) {
      if (reported.has(error)) return;
      reported.add(error);
    }
    onError?.(error);
  };
}

/**
 * How often a batch that waits for another projection is tried again (soon at first: the other
 * one is usually a moment behind; then every 250 ms), and for how long, before it fails.
 */
const FIRST_WAIT_STEP_MS = 25;
/** How long, at most, between tries to follow the log again after a rebuild elsewhere, while the database does not answer. */
const FOLLOW_AGAIN_MAX_WAIT_MS = 5_000;
const MAX_WAIT_STEP_MS = 250;
const WAIT_IN_BATCH_MS = 5_000;

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
