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
 */
export class WaitForProjectionError extends RetryBatchLaterError {
  override readonly code = 'PROJECTIONS.WAITING_FOR_PROJECTION';

  constructor(
    readonly projection: string,
    message: string,
  ) {
    super(message);
    this.name = 'WaitForProjectionError';
  }
}
