/**
 * Thrown by a handler whose store is unreachable (a ClickHouse server down, say): the batch is
 * not the problem, so none of its events becomes a dead letter. The runtime rolls the batch back
 * and tries it again, with backoff, until the store answers.
 */
export class RetryBatchLaterError extends Error {
  readonly code = 'PROJECTIONS.STORE_UNAVAILABLE';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RetryBatchLaterError';
  }
}
