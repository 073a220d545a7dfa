import { randomUUID } from 'node:crypto';
import type { EventLog } from '@cdp/event-log';
import { analyzeSchema, quoteIdentifier, type SqlClient, type SqlExecutor } from '@cdp/sql';
import { holdOtherProcesses, nextGeneration } from './projection-generation';
import { PROCESS_OWNER } from './exclusive-projection-runner';
import { claimOwnership, currentOwners, releaseOwnership } from './projection-ownership';
import { projectionSubscriberId, runProjection } from './projection-runner';
import type { ProjectionDefinition } from './projection.port';

export interface RebuildProgress {
  readonly processed: number;
  /** Events in the log when the rebuild started, plus what arrived since. */
  readonly total: number;
}

export interface RebuildOptions {
  readonly definition: ProjectionDefinition;
  readonly log: EventLog;
  /** Called once the rebuild holds its claim: from then on no other process starts one of the projection. */
  readonly onClaimed?: () => void;
  readonly sql: SqlClient;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Told of every failed attempt at a batch of the rebuild, which is tried again (as `RunProjectionOptions.onError`). */
  readonly onError?: (error: unknown) => void;
  /**
   * Stops the live projection just before the swap; the caller starts it again afterwards from
   * the swapped checkpoint. Without it, the runners of this process must stand by themselves, as
   * those of other processes do: the swap's new generation fails their next batch, and they follow
   * the log again from the swapped checkpoint (projection-generation.ts).
   */
  readonly pauseLive?: () => Promise<void>;
  /**
   * Runs first in the swap's transaction. A projection that one process at a time runs is taken
   * over there (seizeOwnership), so that no other process goes on with the old tables.
   */
  readonly beforeSwap?: (tx: SqlExecutor) => Promise<void>;
  readonly maxBatchSize?: number;
}

const CAUGHT_UP_POLL_MS = 200;
/** How long a rebuild's claim on its aside tables lasts unless renewed: a process that died mid-rebuild lets go after it. */
const REBUILD_CLAIM_MS = 60_000;

/** Another process is rebuilding the projection into the same aside tables. */
export class RebuildRunningElsewhereError extends Error {
  readonly code = 'PROJECTIONS.REBUILD_RUNNING';

  constructor(projection: string, holder: string | undefined) {
    super(
      `another process${holder === undefined ? '' : ` (${holder})`} is rebuilding ${projection}: follow it with \`cdp projections status\` against that process, or try again once it is done (or a minute after that process stopped)`,
    );
    this.name = 'RebuildRunningElsewhereError';
  }
}
/** The log no longer holds all it was given: a rebuild would build the model without what it lost. */
export class RebuildOfIncompleteLogError extends Error {
  readonly code = 'PROJECTIONS.LOG_INCOMPLETE';

  constructor(projection: string, lost: string) {
    super(`${projection} was not rebuilt, and is left as it was: ${lost}`);
    this.name = 'RebuildOfIncompleteLogError';
  }
}

/**
 * Lets go of every rebuild's claim, for a process that knows no other can be rebuilding: in embedded
 * mode the data folder admits one process, so a claim found at start is a dead process's, which
 * would otherwise refuse a new rebuild until its lease ran out.
 */
export async function releaseRebuildClaims(db: SqlExecutor): Promise<void> {
  await db.query(`DELETE FROM projections.owners WHERE projection LIKE '%@rebuild'`);
}

/**
 * Counting what is pending reads every event after the checkpoint (about 90 ms per 100,000 on
 * Postgres), on the cores the rebuild itself needs: while the rebuild has not yet processed as
 * many events as the log held, and has committed a batch lately, it is plainly not caught up.
 */
const BUSY_WITHIN_MS = 5_000;

/**
 * Rebuilds a projection aside and swaps it in: readers see the old tables until the new ones are
 * complete, then the new ones, never a half-built model. The new tables are built in
 * "<schema>_rebuild" from the start of the log; once they have caught up, the live projection is
 * paused, the rest is applied, the new tables' statistics are gathered, and one transaction swaps
 * the schemas and the checkpoints. One rebuild of a projection runs at a time across processes: it
 * claims the aside tables (projections.owners, as "<name>@rebuild") before it touches them.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildProgress> {
  const { definition, sql } = options;
  const asideName = `${definition.name}@rebuild`;
  // Names the process (host, pid), so that a refused rebuild can say where the running one is.
  const claimant = `${PROCESS_OWNER} rebuild ${randomUUID().slice(0, 8)}`;
  if (!(await claimOwnership(sql, asideName, claimant, REBUILD_CLAIM_MS))) {
    const holder = (await currentOwners(sql)).get(asideName);
    throw new RebuildRunningElsewhereError(definition.name, holder?.replace(/ rebuild \w+$/, ''));
  }
  options.onClaimed?.();
  const renewal = setInterval(() => void claimOwnership(sql, asideName, claimant, REBUILD_CLAIM_MS).catch(() => undefined), REBUILD_CLAIM_MS / 4);
  try {
    return await rebuildAside(options, asideName);
  } finally {
    clearInterval(renewal);
    await releaseOwnership(sql, asideName, claimant);
  }
}

async function rebuildAside(options: RebuildOptions, asideName: string): Promise<RebuildProgress> {
  const { definition, log, sql } = options;
  const aside = `${definition.schema}_rebuild`;
  // The live model still holds what the log lost; a rebuild would silently drop it.
  const lost = await log.lostAfter?.({});
  if (lost !== undefined) throw new RebuildOfIncompleteLogError(definition.name, lost);
  await sql.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(aside)} CASCADE`);
  await sql.query(`DELETE FROM projections.checkpoints WHERE projection = $1`, [asideName]);
  await sql.query(`DELETE FROM projections.dead_letters WHERE projection = $1`, [asideName]);
  // An aside runner of an earlier rebuild still going (its process paused past its claim) commits nothing more.
  await nextGeneration(sql, asideName);
  const handler = await definition.open(sql, aside);

  let processed = 0;
  let lastBatchAt = Date.now();
  let total = (await log.pendingAfter({})) ?? 0;
  const report = () => options.onProgress?.({ processed, total: Math.max(total, processed) });
  const runner = await runProjection({
    name: asideName,
    handler,
    log,
    sql,
    maxBatchSize: options.maxBatchSize,
    onBatchDone: (events) => {
      processed += events;
      lastBatchAt = Date.now();
      report();
    },
    onError: options.onError,
  });
  const wait = () => new Promise((resolve) => setTimeout(resolve, CAUGHT_UP_POLL_MS));
  // A log that cannot count what is left now (null) while batches come is plainly not done either;
  // it is asked again now and then, as events may keep coming after it is done.
  let countUnknown = false;
  let countedAt = 0;
  const caughtUp = async () => {
    for (;;) {
      const busy = processed < total || (countUnknown && Date.now() - countedAt < BUSY_WITHIN_MS);
      if (busy && Date.now() - lastBatchAt < BUSY_WITHIN_MS) {
        await wait();
        continue;
      }
      const pending = await log.pendingAfter(runner.checkpoint());
      countedAt = Date.now();
      countUnknown = pending === null;
      total = processed + (pending ?? 0);
      report();
      // A log that cannot count what is left (null) is not known to be done: swapping then would put a half-built model in.
      if (pending === 0) return;
      await wait();
    }
  };
  let closed = false;
  const closeRunner = async () => {
    if (closed) return;
    closed = true;
    await runner.close();
  };
  try {
    await caughtUp();
    // Tables filled in one go have no statistics until autovacuum comes by (never, on PGlite): readers
    // of the swapped-in tables would be planned on guesses. Gathered before the hold, which keeps it
    // short: the last moments' events change them little.
    await analyzeSchema(sql, aside);
    await options.pauseLive?.();
    // From here to the swap, the rebuild alone applies the projection's events (projection-generation.ts).
    await holdOtherProcesses(sql, definition.name, async (held) => {
      await caughtUp();
      await closeRunner();
      const swapIn = (tx: SqlExecutor) => swap(tx, definition, aside, asideName, options.beforeSwap);
      await (held ? swapIn(held) : sql.transaction(swapIn));
    });
  } finally {
    await closeRunner();
    // Its group is nobody's now; a failure to remove it leaves the broker to expire it.
    await log.forgetSubscriber?.(projectionSubscriberId(asideName)).catch((error: unknown) => options.onError?.(error));
  }
  return { processed, total: processed };
}

/** Swaps the schemas and the checkpoints, in the caller's transaction. */
async function swap(tx: SqlExecutor, definition: ProjectionDefinition, aside: string, asideName: string, beforeSwap: RebuildOptions['beforeSwap']) {
  const live = quoteIdentifier(definition.schema);
  const retired = quoteIdentifier(`${definition.schema}_retired`);
  // Batches of other processes held back meanwhile fail once let go, and follow the log again from the rebuilt checkpoint.
  await nextGeneration(tx, definition.name);
  await beforeSwap?.(tx);
  await definition.beforeSwap?.(tx, aside);
  await tx.query(`DROP SCHEMA IF EXISTS ${retired} CASCADE`);
  // A projection whose store is not Postgres (the ClickHouse sink) has no schema on either side.
  await tx.query(`CREATE SCHEMA IF NOT EXISTS ${live}`);
  await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(aside)}`);
  await tx.query(`ALTER SCHEMA ${live} RENAME TO ${retired}`);
  await tx.query(`ALTER SCHEMA ${quoteIdentifier(aside)} RENAME TO ${live}`);
  await tx.query(`DROP SCHEMA ${retired} CASCADE`);
  for (const table of ['checkpoints', 'dead_letters']) {
    await tx.query(`DELETE FROM projections.${table} WHERE projection = $1`, [definition.name]);
    await tx.query(`UPDATE projections.${table} SET projection = $1 WHERE projection = $2`, [definition.name, asideName]);
  }
}
