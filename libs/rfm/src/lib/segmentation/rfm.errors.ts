/** Errors of the RFM rules, with stable codes that apps map to statuses and exit codes. */
export class RfmError extends Error {
  constructor(
    readonly code: 'RFM.INVALID_PARAMETERS' | 'RFM.INVALID_GRID' | 'RFM.INVALID_MEASURES' | 'RFM.INVALID_ARGUMENT',
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An `asOf` or `windowDays` the rules cannot use; `field` names which. */
export class InvalidRfmParametersError extends RfmError {
  constructor(
    readonly field: 'asOf' | 'windowDays' | 'now',
    message: string,
  ) {
    super('RFM.INVALID_PARAMETERS', message);
  }
}

/** A configured segment grid that is not 5 rows of 5 names; `problems` lists every one, located. */
export class InvalidRfmGridError extends RfmError {
  constructor(readonly problems: readonly string[]) {
    super('RFM.INVALID_GRID', `the RFM segment grid is invalid: ${problems.join('; ')}`);
  }
}

/** Measures (or the purchases and refunds they come from) that cannot be scored. */
export class InvalidRfmMeasuresError extends RfmError {
  constructor(problem: string) {
    super('RFM.INVALID_MEASURES', problem);
  }
}
