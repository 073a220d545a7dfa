/** A touchpoint the analytics tables cannot hold as it is; the runtime makes it a dead letter. */
export class AnalyticsRowError extends Error {
  readonly code = 'ANALYTICS.UNREPRESENTABLE_TOUCHPOINT';

  constructor(
    readonly eventId: string,
    why: string,
  ) {
    super(`touchpoint ${eventId}: ${why}`);
    this.name = 'AnalyticsRowError';
  }
}
