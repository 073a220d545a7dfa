/** Errors of the profile rules, with stable codes that apps map to statuses and exit codes. */
export class ProfileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * An event the profile cannot use: a time that is not a zoned instant, an amount that is not a
 * decimal, a consent that is neither granted nor denied. The runtime dead-letters it with this reason.
 */
export class InvalidProfileEventError extends ProfileError {
  constructor(eventId: string, problem: string) {
    super('PROFILE.INVALID_EVENT', `event ${eventId}: ${problem}`);
  }
}

/** The event names another customer than the profile it was applied to. */
export class WrongCustomerError extends ProfileError {
  constructor(profileCustomerId: string, eventCustomerId: string, eventType: string) {
    super('PROFILE.WRONG_CUSTOMER', `${eventType} of customer ${eventCustomerId} was applied to the profile of ${profileCustomerId}`);
  }
}

/** The profile was merged into `into`: apply the event, or the merge, to that profile instead. */
export class ProfileMergedError extends ProfileError {
  constructor(
    readonly customerId: string,
    readonly into: string,
    what: string,
  ) {
    super('PROFILE.MERGED', `customer ${customerId} was merged into ${into}; ${what} must go to ${into}`);
  }
}

/** A merge that would lose or invent data: a customer into itself, or a profile already emptied by `markMerged`. */
export class InvalidMergeError extends ProfileError {
  constructor(problem: string) {
    super('PROFILE.INVALID_MERGE', problem);
  }
}
