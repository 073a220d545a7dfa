import type { ProjectionStatus } from '../platform-client/admin-api';
import type { PlatformClient } from '../platform-client/platform-client';
import { isPlatformBusy } from '../platform-client/platform-client.errors';

export type CatchUp =
  /** Every projection has processed every event in the log. */
  | { readonly state: 'caught-up' }
  /** The wait ended first: the slowest projection was this many events behind. */
  | { readonly state: 'behind'; readonly events: number; readonly projection: string }
  /** No projection reports its lag (the log cannot tell), so there is nothing to wait for. */
  | { readonly state: 'unknown' };

export interface WaitForProjectionsOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** After each look: events the slowest projection has processed since the wait began, of those it had to. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Polls the projections' lag (`GET /v1/admin/projections`) until every one has caught up with the
 * log or the wait ends. The progress counts down the slowest projection's lag; the total grows
 * when the log does (a projection appends merges and loyalty events of its own).
 */
export async function waitForProjections(client: PlatformClient, options: WaitForProjectionsOptions): Promise<CatchUp> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  let total = 0;
  let slowest: Lag | undefined;
  for (;;) {
    try {
      slowest = slowestOf(await client.projections());
      if (slowest === undefined) return { state: 'unknown' };
      total = Math.max(total, slowest.lag);
      options.onProgress?.(total - slowest.lag, total);
      if (slowest.lag === 0) return { state: 'caught-up' };
    } catch (error) {
      // A platform busy catching up may not answer in time: ask again until the wait ends.
      if (!isPlatformBusy(error) || (now() >= deadline && slowest === undefined)) throw error;
    }
    if (now() >= deadline) return { state: 'behind', events: slowest!.lag, projection: slowest!.name };
    await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - now())));
  }
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
