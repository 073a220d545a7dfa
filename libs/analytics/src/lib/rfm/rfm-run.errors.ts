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

/** The process is stopping: a run asked for then, or still waiting for the projections it reads, computed nothing. */
export class RfmRunStoppedError extends Error {
  readonly code = 'RFM.STOPPED';

  constructor(behind: readonly { readonly name: string; readonly missing: number }[] = []) {
    const waiting = behind.length === 0 ? '' : ` (it was waiting for the projections: ${behind.map((b) => `${b.name} still had ${b.missing} events to apply`).join(', ')})`;
    super(`the process is stopping, so the RFM run stopped${waiting}: nothing was computed. Run it again once the platform is back.`);
    this.name = 'RfmRunStoppedError';
  }
}

/** ClickHouse refused a statement of the run before its scores were committed (it is down, or its database is gone): nothing was recorded. */
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

/** ClickHouse holds no purchase at all while the current run scored customers: it lost its data, or is being rebuilt. */
export class AnalyticsDataMissingError extends Error {
  readonly code = 'RFM.ANALYTICS_DATA_MISSING';
  constructor(scoredBefore: number) {
    super(
      `ClickHouse holds no purchases, where the current RFM run scored ${scoredBefore.toLocaleString('en')} customers: its data was lost, or \`cdp projections rebuild analytics\` has not swapped its tables in yet. ` +
        'Nothing was recorded, and every customer keeps its segment. Run RFM again once the rebuild is done (docs/operations.md, Backups and recovery)',
    );
  }
}
