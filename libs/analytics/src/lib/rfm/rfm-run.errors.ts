/** An RFM run would not see every touchpoint accepted before it was asked for, so it computed nothing. */
export class ProjectionsBehindError extends Error {
  readonly code = 'RFM.PROJECTIONS_BEHIND';

  constructor(
    readonly behind: readonly { readonly name: string; readonly missing: number }[],
    timeoutMs: number,
  ) {
    super(
      `the RFM run waited ${timeoutMs} ms for the projections it reads to catch up, and ${behind.map((b) => `${b.name} still has ${b.missing} events to apply`).join(', ')}: ` +
        'nothing was computed. See `cdp projections status` (and `cdp dlq list` for stuck events), then run it again, or raise CDP_RFM_CATCH_UP_TIMEOUT_MS.',
    );
    this.name = 'ProjectionsBehindError';
  }
}
