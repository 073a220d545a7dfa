import type { AppendResult, EventLog } from '@cdp/event-log';
import type { PreparedTouchpoint } from '@cdp/ingestion';

/** A touchpoint the intake accepted, and where it read it. */
export interface AcceptedTouchpoint extends PreparedTouchpoint {
  /** "<topic>/<partition>:<offset>" of the message it came in. */
  readonly source: string;
}

/**
 * Appends accepted touchpoints to the touchpoint log, each to its customer's stream, idempotent by
 * event id. The message's position is the correlation id: the request the touchpoint came in.
 */
export function appendAccepted(log: EventLog, accepted: readonly AcceptedTouchpoint[]): Promise<AppendResult[]> {
  return log.appendMany(
    accepted.map(({ touchpoint, streamId, source }) => ({
      streamId,
      events: [{ eventId: touchpoint.eventId, type: touchpoint.type, data: touchpoint, metadata: { correlationId: source } }],
    })),
  );
}
