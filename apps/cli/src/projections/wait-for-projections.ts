import type { ProjectionStatus } from '../platform-client/admin-api';
import type { PlatformClient } from '../platform-client/platform-client';
import { EndpointNotServedError, isPlatformBusy } from '../platform-client/platform-client.errors';
import { sleep, type PollOptions } from '../shared/polling';
import { progressBar, type Progress } from '../shared/progress';
import type { Terminal } from '../shared/terminal';

export type CatchUp =
  /** Every projection has processed every event in the log. */
  | { readonly state: 'caught-up' }
  /** The wait ended first: the slowest projection was this many events behind. */
  | { readonly state: 'behind'; readonly events: number; readonly projection: string }
  /** No projection reports its lag (the log cannot tell, or this process runs none), so there is nothing to wait for. */
  | { readonly state: 'unknown' };

export interface WaitForProjectionsOptions extends PollOptions {
  /** After each look: events the slowest projection has processed since the wait began, of those it had to. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Polls the projections' lag (`GET /v1/admin/projections`) until every one has caught up with the
 * log or the wait ends. The progress counts down the slowest projection's lag, and never goes back;
 * the total grows when the log does (a projection appends merges and loyalty events of its own).
 */
export async function waitForProjections(client: PlatformClient, options: WaitForProjectionsOptions): Promise<CatchUp> {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const deadline = now() + options.timeoutMs;
  let total = 0;
  let done = 0;
  let slowest: Lag | undefined;
  for (;;) {
    try {
      slowest = slowestOf(await client.projections());
      if (slowest === undefined) return { state: 'unknown' };
      total = Math.max(total, slowest.lag);
      // The slowest projection changes as they take turns: its lag can be more than the last one's.
      done = Math.max(done, total - slowest.lag);
      options.onProgress?.(done, total);
      if (slowest.lag === 0) return { state: 'caught-up' };
    } catch (error) {
      // A process that runs no projections (apps/api of a split deployment) cannot tell: the platform decides.
      if (error instanceof EndpointNotServedError) return { state: 'unknown' };
      // A platform busy catching up may not answer in time: ask again until the wait ends.
      if (!isPlatformBusy(error) || (now() >= deadline && slowest === undefined)) throw error;
    }
    if (now() >= deadline) return { state: 'behind', events: slowest!.lag, projection: slowest!.name };
    await wait(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - now())));
  }
}

/** waitForProjections, with a progress bar of the slowest projection's lag on the terminal. */
export async function followProjections(client: PlatformClient, terminal: Terminal, label: string, options: Omit<WaitForProjectionsOptions, 'onProgress'>): Promise<CatchUp> {
  let bar: Progress | undefined;
  const onProgress = (done: number, total: number) => {
    if (total === 0) return;
    bar ??= progressBar(terminal, label, 'events', total);
    bar.update(done, total);
  };
  return waitForProjections(client, { ...options, onProgress }).finally(() => bar?.stop());
}

interface Lag {
  readonly name: string;
  readonly lag: number;
}

function slowestOf(projections: readonly ProjectionStatus[]): Lag | undefined {
  let slowest: Lag | undefined;
  for (const { name, lag } of projections) {
    if (typeof lag === 'number' && (slowest === undefined || lag > slowest.lag)) slowest = { name, lag };
  }
  return slowest;
}
