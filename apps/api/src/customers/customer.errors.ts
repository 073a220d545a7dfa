export class CustomerNotFoundError extends Error {
  readonly code = 'CUSTOMER.NOT_FOUND';
  constructor(what: string) {
    super(`no customer ${what}; touchpoints are projected within moments of being accepted, so a brand-new one may need a second`);
  }
}

export class InvalidIdentifierError extends Error {
  readonly code = 'CUSTOMER.INVALID_IDENTIFIER';
}
