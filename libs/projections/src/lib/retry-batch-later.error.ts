/**
 * Thrown by a handler whose store is unreachable (a ClickHouse server down, say): the batch is
 * not the problem, so none of its events becomes a dead letter. The runtime rolls the batch back
 * and tries it again, with backoff, until the store answers.
 */
export class RetryBatchLaterError extends Error {
  readonly code: string = 'PROJECTIONS.STORE_UNAVAILABLE';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RetryBatchLaterError';
  }
}

/**
 * Thrown by a handler that needs another projection to get further first (`loyalty_earning`
 * waits for `customers` to place a touchpoint). Nothing is wrong: the batch is retried as for
 * `RetryBatchLaterError`, and the wait is normal while the other projection catches up.
 *
 * `ready` tells how many of the events the handler was given, from the first, it could apply now.
 * The runtime then commits those, with their checkpoint, and waits only for the rest: a projection
 * that follows another one closely keeps pace with it instead of retrying whole batches.
 */
export class WaitForProjectionError extends RetryBatchLaterError {
  override readonly code = 'PROJECTIONS.WAITING_FOR_PROJECTION';
  readonly ready: number;

  constructor(
    readonly projection: string,
    message: string,
    options: { readonly ready?: number } = {},
  ) {
    super(message);
    this.name = 'WaitForProjectionError';
    this.ready = options.ready ?? 0;
  }

  /** The same wait, with `ready` counted among other events (those of the caller's batch). */
  withReady(ready: number): WaitForProjectionError {
    return new WaitForProjectionError(this.projection, this.message, { ready });
  }
}
