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
