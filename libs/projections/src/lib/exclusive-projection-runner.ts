import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { readCheckpoint } from './checkpoints';
import { claimOwnership, OwnershipLostError, releaseOwnership } from './projection-ownership';
import { runProjection, type ProjectionRunner, type RunProjectionOptions } from './projection-runner';
import type { ProjectionHandler } from './projection.port';

export interface ExclusiveRunOptions extends RunProjectionOptions {
  /** How long a claim lasts without renewal; renewed every third of it. Default: 10 s. */
  readonly leaseMs?: number;
  /** Names this process in projections.owners. Default: PROCESS_OWNER. */
  readonly owner?: string;
}

/** This process, as projections.owners names it: the same for each of its runners, so one started again after a pause claims at once. */
export const PROCESS_OWNER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
export const OWNERSHIP_LEASE_MS = 10_000;

export interface ExclusiveProjectionRunner extends ProjectionRunner {
  /** Whether this process runs the projection now, or stands by. */
  owns(): boolean;
}

/**
 * Runs a projection in one process at a time, for logs whose subscriptions are not shared between
 * processes (Postgres, EventStoreDB: each subscriber receives everything). Every process claims the
 * projection in projections.owners; the one that holds it runs it, renewing its claim, and the
 * others stand by and try again every third of the lease. A process that dies without letting go
 * loses the projection when its claim runs out. Each batch renews the claim inside its transaction
 * (the runtime's fence), so a process that lost the projection, paused longer than its lease, say,
 * commits nothing: its batch fails, and it stands by again.
 */
export async function runProjectionExclusively(options: ExclusiveRunOptions): Promise<ExclusiveProjectionRunner> {
  const { name, sql } = options;
  const leaseMs = options.leaseMs ?? OWNERSHIP_LEASE_MS;
  const owner = options.owner ?? PROCESS_OWNER;
  let running: ProjectionRunner | undefined;
  let lastCheckpoint = (await readCheckpoint(sql, name)).checkpoint;
  let closed = false;
  let turn: Promise<void> = Promise.resolve();

  const stop = async () => {
    const runner = running;
    running = undefined;
    if (!runner) return;
    lastCheckpoint = runner.checkpoint();
    await runner.close();
  };
  // Standing by closes the runner, not the handler: it serves again when the projection comes back.
  const { handler } = options;
  const keptOpen: ProjectionHandler = {
    apply: (tx, events, context) => handler.apply(tx, events, context),
    afterCommit: handler.afterCommit && (() => handler.afterCommit!()),
  };
  const start = async () => {
    running = await runProjection({
      ...options,
      handler: keptOpen,
      fence: async (tx) => {
        if (!(await claimOwnership(tx, name, owner, leaseMs))) throw new OwnershipLostError(name, owner);
        await options.fence?.(tx);
      },
      onError: (error) => {
        options.onError?.(error);
        if (error instanceof OwnershipLostError) schedule(stop);
      },
    });
  };
  /** Claims or renews, and starts or stops to match; one step at a time. */
  let claimFailed = false;
  const step = async () => {
    if (closed) return;
    const owns = await claimOwnership(sql, name, owner, leaseMs).then(
      (claimed) => {
        // The claim answers again: its failure, reported, is over though no batch may follow. While
        // this process runs the projection, its subscription says so itself: a batch still failing
        // slowly (a Kafka send retried for 30 s) must not be cleared between its tries by the claim.
        if (claimFailed && !running) options.onResumed?.();
        claimFailed = false;
        return claimed;
      },
      (error: unknown) => {
        claimFailed = true;
        options.onError?.(error);
        // Without an answer, keep doing what we did: a batch commits only with a live claim anyway.
        return running !== undefined;
      },
    );
    if (owns && !running) await start();
    if (!owns && running) await stop();
  };
  const schedule = (work: () => Promise<void>) => {
    turn = turn.then(work).catch((error: unknown) => options.onError?.(error));
    return turn;
  };

  await schedule(step);
  const timer = setInterval(() => void schedule(step), Math.max(1, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    name,
    owns: () => running !== undefined,
    checkpoint: () => running?.checkpoint() ?? lastCheckpoint,
    partitions: () => running?.partitions(),
    close: async () => {
      closed = true;
      clearInterval(timer);
      await schedule(async () => {
        const owned = running !== undefined;
        await stop();
        if (owned) await releaseOwnership(sql, name, owner);
      });
      await handler.close?.();
    },
  };
}
