import { OwnershipLostError } from './projection-ownership';
import { WaitForProjectionError } from './retry-batch-later.error';

/** How long a projection waits for another before operators are warned, and then how often. */
export const WAIT_WARNING_EVERY_MS = 60_000;

export interface RetryWarnings {
  /** The warning a failed attempt at a batch is worth, if any. */
  warningFor(error: unknown): string | undefined;
  /** A batch went through: a wait, if there was one, is over. */
  batchDone(): void;
}

/**
 * Which of one projection's retries are worth a warning. A failure always is. Waiting for another
 * projection is normal while that one catches up (a start after downtime, a replay), so it is worth
 * one only once the wait has lasted `WAIT_WARNING_EVERY_MS`, and then once per that time.
 */
export function retryWarnings(projection: string, now: () => number = Date.now): RetryWarnings {
  let waitingSince: number | undefined;
  let warnedAt: number | undefined;
  return {
    warningFor(error) {
      if (error instanceof OwnershipLostError) return `${projection}: ${error.message}; standing by`;
      if (!(error instanceof WaitForProjectionError)) return `${projection}: ${error instanceof Error ? error.message : String(error)}; retrying`;
      const at = now();
      waitingSince ??= at;
      if (at - waitingSince < WAIT_WARNING_EVERY_MS || (warnedAt !== undefined && at - warnedAt < WAIT_WARNING_EVERY_MS)) return undefined;
      warnedAt = at;
      const seconds = Math.round((at - waitingSince) / 1000);
      return `${projection} has waited ${seconds} s for the ${error.projection} projection (${error.message}); cdp projections status shows how far behind ${error.projection} is`;
    },
    batchDone() {
      waitingSince = undefined;
      warnedAt = undefined;
    },
  };
}
