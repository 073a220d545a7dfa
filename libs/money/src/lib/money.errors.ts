/** Errors of the money functions, with stable codes that apps map to statuses and exit codes. */
export class MoneyError extends Error {
  constructor(
    readonly code: 'MONEY.INVALID_DECIMAL' | 'MONEY.INVALID_CURRENCY' | 'MONEY.INVALID_ARGUMENT' | 'MONEY.DIVISION_BY_ZERO',
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
