export class NoRfmRunYetError extends Error {
  readonly code = 'RFM.NO_RUN_YET';
  constructor() {
    super('RFM has not run yet: POST /v1/segments/rfm/runs (or `cdp rfm run`) runs it now; it also runs on a schedule (CDP_RFM_EVERY_MINUTES)');
  }
}

export class CustomerNotScoredError extends Error {
  readonly code = 'RFM.NOT_SCORED';
  constructor(customerId: string) {
    super(`customer ${customerId} has no RFM scores: it had no purchase at or before the latest run's asOf, or it is unknown`);
  }
}

/** ClickHouse refused a statement of the run (it is down, or its database is gone): nothing was recorded. */
export class RfmAnalyticsUnavailableError extends Error {
  readonly code = 'RFM.ANALYTICS_UNAVAILABLE';
  constructor(refusal: Error) {
    super(
      `the analytics store refused the RFM run (${refusal.message}), so nothing was recorded. ` +
        '`cdp projections status` shows whether the analytics projection retries, and why; run RFM again once ClickHouse answers (docs/operations.md, Backups and recovery, if its data was lost)',
      { cause: refusal },
    );
  }
}
