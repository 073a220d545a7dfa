/** Errors of the loyalty rules, with stable codes that apps map to statuses and exit codes. */
export class LoyaltyError extends Error {
  constructor(
    readonly code:
      | 'LOYALTY.INVALID_PROGRAM'
      | 'LOYALTY.INVALID_REDEMPTION'
      | 'LOYALTY.INSUFFICIENT_POINTS'
      | 'LOYALTY.IDEMPOTENCY_KEY_REUSED'
      | 'LOYALTY.ACCOUNT_MERGED'
      | 'LOYALTY.MERGE_CYCLE',
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A program configuration the rules cannot use; `problems` lists every one, located by its JSON path. */
export class InvalidLoyaltyProgramError extends LoyaltyError {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super('LOYALTY.INVALID_PROGRAM', `the loyalty program in ${source} is invalid: ${problems.join('; ')}`);
  }
}

/** A redemption request that can never succeed as asked; `details` names every wrong field, each with why. */
export class InvalidRedemptionError extends LoyaltyError {
  constructor(readonly details: readonly { readonly field: 'points' | 'idempotencyKey' | 'reason' | 'requestedAt'; readonly message: string }[]) {
    super('LOYALTY.INVALID_REDEMPTION', details.map((problem) => problem.message).join('; '));
  }
}

/** Not enough available points for the redemption; nothing was spent. */
export class InsufficientPointsError extends LoyaltyError {
  constructor(
    readonly available: number,
    readonly requested: number,
  ) {
    super('LOYALTY.INSUFFICIENT_POINTS', `${requested} points were asked for and ${available} are available`);
  }

  get details() {
    return { available: this.available, requested: this.requested };
  }
}

/** The idempotency key was used before for a different redemption. */
export class IdempotencyKeyReusedError extends LoyaltyError {
  constructor(readonly idempotencyKey: string) {
    super('LOYALTY.IDEMPOTENCY_KEY_REUSED', `idempotency key "${idempotencyKey}" was already used for a different redemption; use a new key for a new redemption`);
  }
}

/** The account was merged into another; send the command to `into`. */
export class AccountMergedError extends LoyaltyError {
  constructor(
    readonly customerId: string,
    readonly into: string,
  ) {
    super('LOYALTY.ACCOUNT_MERGED', `the loyalty account of ${customerId} was merged into ${into}'s`);
  }
}

/**
 * The account was closed into `from`, so it cannot absorb `from`: both would end closed, each into
 * the other, and their points with them. (A rebuilt identity can name the other survivor.)
 */
export class MergeCycleError extends LoyaltyError {
  constructor(
    readonly customerId: string,
    readonly from: string,
  ) {
    super('LOYALTY.MERGE_CYCLE', `the loyalty account of ${customerId} was merged into ${from}'s, so it cannot take in ${from}'s: both would be closed, each into the other`);
  }
}
