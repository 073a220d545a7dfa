/** Errors of the event log, with stable codes that apps map to statuses and exit codes. */
export class EventLogError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ExpectedVersionConflictError extends EventLogError {
  constructor(
    readonly streamId: string,
    readonly expected: number | 'no_stream',
    readonly actual: number | 'no_stream',
  ) {
    super('EVENT_LOG.EXPECTED_VERSION_CONFLICT', `stream ${streamId} is at ${actual}, expected ${expected}`);
  }
}

export class ExpectedVersionUnsupportedError extends EventLogError {
  constructor(adapter: string) {
    super(
      'EVENT_LOG.EXPECTED_VERSION_UNSUPPORTED',
      `${adapter} has no per-stream concurrency control; use the Postgres or EventStoreDB event store for decisions that need an expected version`,
    );
  }
}

/**
 * A store under the log did not answer (Kafka away, Postgres's connection lost): the append may be
 * retried, with its event ids. The cause is logged by the platform, not shown to the client.
 */
export class EventLogUnavailableError extends EventLogError {
  constructor(what: string, cause: unknown, problem = 'did not answer') {
    super(
      'EVENT_LOG.UNAVAILABLE',
      `${what} ${problem}; send the same request again shortly, with its event ids: what the log took is then answered as a duplicate (or, for up to 30 s, as an append in progress)`,
    );
    this.cause = cause;
  }
}
