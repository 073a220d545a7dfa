import { EventLogError } from '@cdp/event-log';

/** Another append is producing some of the same event ids right now; retrying soon will see them as duplicates. */
export class AppendInProgressError extends EventLogError {
  constructor(readonly eventIds: readonly string[]) {
    super(
      'EVENT_LOG.APPEND_IN_PROGRESS',
      `events ${eventIds.join(', ')} are being appended by another request; retry shortly (a writer that stopped lets go of them within 30 s), and nothing is appended twice`,
    );
  }
}
