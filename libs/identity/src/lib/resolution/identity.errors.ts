/** Errors of the identity rules, with stable codes that apps map to statuses and exit codes. */
export class IdentityError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: readonly string[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An `IdentityPolicy` that cannot be applied; `details` lists every problem. */
export class InvalidIdentityPolicyError extends IdentityError {
  constructor(problems: readonly string[]) {
    super('IDENTITY.INVALID_POLICY', `the identity policy is invalid: ${problems.join('; ')}`, problems);
  }
}

/** A command whose data the rules cannot use: an event id that is not a UUID, a time that is not an instant. */
export class InvalidIdentityCommandError extends IdentityError {
  constructor(problem: string) {
    super('IDENTITY.INVALID_COMMAND', problem);
  }
}

/**
 * The state given to the decider, or folded by `evolve`, lacks a customer that an event names: the
 * store loaded less than the slice the decision needs (see `IdentityGraph`).
 */
export class IncompleteIdentityStateError extends IdentityError {
  constructor(customerId: string, needed: string) {
    super('IDENTITY.INCOMPLETE_STATE', `customer ${customerId} is not in the identity state, but ${needed}; load the whole slice of the touchpoint`);
  }
}
