import { OwnershipLostError } from './projection-ownership';
import { WaitForProjectionError } from './retry-batch-later.error';

/** How long a projection waits for another before operators are warned, and then how often. */
export const WAIT_WARNING_EVERY_MS = 60_000;

/** Why a projection is not getting on with its batches right now, for its status. */
export interface RetryTrouble {
  /** Waiting for another projection (normal while that one catches up), or retrying a failure. */
  readonly state: 'waiting' | 'retrying';
  readonly reason: string;
  /** When the first attempt of this run of waits or failures failed, an ISO 8601 UTC instant. */
  readonly since: string;
}

export interface RetryWarnings {
  /** The warning a failed attempt at a batch is worth, if any. */
  warningFor(error: unknown): string | undefined;
  /** A batch went through: a wait, if there was one, is over. */
  batchDone(): void;
  /**
   * The log reads again after (re)joining (see `SubscribeOptions.onResumed`): a failure not
   * reported again within `RESUMED_QUIET_MS` is over, even if no batch follows. A batch that still
   * fails reports itself again within that time (the log tries it again within 5 s), and the
   * trouble goes on, since when it began. A wait goes on.
   */
  resumed(): void;
  /** What the projection waits for or retries since its last batch went through, if anything. */
  trouble(): RetryTrouble | undefined;
}

/**
 * Which of one projection's retries are worth a warning. A failure is, and the same failure again
 * once a minute, with how often it came meanwhile. Waiting for another
 * projection is normal while that one catches up (a start after downtime, a replay), so it is worth
 * one only once the wait has lasted `WAIT_WARNING_EVERY_MS`, and then once per that time. It also
 * keeps what the projection waits for or retries until a batch goes through, for its status.
 */
export function retryWarnings(projection: string, now: () => number = Date.now): RetryWarnings {
  let waitingSince: number | undefined;
  let warnedAt: number | undefined;
  let trouble: RetryTrouble | undefined;
  let failedAt: number | undefined;
  let resumedAt: number | undefined;
  let lastFailure: string | undefined;
  let lastFailureWarnedAt = 0;
  let repeats = 0;
  const troubled = (state: RetryTrouble['state'], reason: string) => {
    trouble = { state, reason, since: trouble?.state === state ? trouble.since : new Date(now()).toISOString() };
  };
  /** A failure that has not come back since the log resumed, for long enough, is over. */
  const settle = () => {
    const quiet = resumedAt !== undefined && failedAt !== undefined && resumedAt >= failedAt && now() - resumedAt >= RESUMED_QUIET_MS;
    if (trouble?.state === 'retrying' && quiet) {
      trouble = undefined;
      // Over: the same failure coming back is news again.
      lastFailure = undefined;
    }
  };
  return {
    warningFor(error) {
      settle();
      if (error instanceof OwnershipLostError) {
        trouble = undefined;
        return `${projection}: ${error.message}; standing by`;
      }
      if (!(error instanceof WaitForProjectionError)) {
        const message = error instanceof Error ? error.message : String(error);
        failedAt = now();
        troubled('retrying', message);
        // A store that stays away fails every try: the same failure is said again once a minute, with how often it came.
        if (message === lastFailure && failedAt - lastFailureWarnedAt < WAIT_WARNING_EVERY_MS) {
          repeats++;
          return undefined;
        }
        const again = message === lastFailure && repeats > 0 ? ` (${repeats} more ${repeats === 1 ? 'time' : 'times'} since it was last said)` : '';
        lastFailure = message;
        lastFailureWarnedAt = failedAt;
        repeats = 0;
        return `${projection}: ${message}; retrying${again}`;
      }
      troubled('waiting', `waiting for the ${error.projection} projection: ${error.message}`);
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
      trouble = undefined;
      lastFailure = undefined;
    },
    resumed() {
      resumedAt = now();
    },
    trouble: () => {
      settle();
      return trouble;
    },
  };
}

/** How long a failure must stay away once the log resumed to be over: above the log's 5 s between tries of a batch. */
export const RESUMED_QUIET_MS = 10_000;
