import type { TouchpointError } from '@cdp/ingestion';

export class InvalidTouchpointsError extends Error {
  readonly code = 'INGEST.INVALID_TOUCHPOINTS';

  constructor(readonly details: readonly TouchpointError[]) {
    super(`${details.length} error(s) in the request; nothing of it was appended. Fix them and send the request again.`);
  }
}
