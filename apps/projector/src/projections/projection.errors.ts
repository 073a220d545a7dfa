export class UnknownProjectionError extends Error {
  readonly code = 'PROJECTIONS.UNKNOWN';
  constructor(name: string, known: readonly string[]) {
    super(`there is no projection "${name}"; the projections are ${known.join(', ')}`);
  }
}

export class UnknownRebuildError extends Error {
  readonly code = 'PROJECTIONS.UNKNOWN_REBUILD';
  constructor(name: string, rebuildId: string) {
    super(`no rebuild ${rebuildId} of ${name} in this process (rebuilds are remembered until it restarts)`);
  }
}

export class UnknownDeadLettersError extends Error {
  readonly code = 'DEAD_LETTERS.NOT_FOUND';
  /** Answered beside the message: the ids that name no open dead letter. */
  readonly details: { readonly unknownIds: readonly string[] };
  constructor(ids: readonly string[]) {
    super(`no open dead letter has the id(s) ${ids.join(', ')}: see them with GET /v1/admin/dead-letters (cdp dlq list); nothing was retried`);
    this.details = { unknownIds: ids };
  }
}
