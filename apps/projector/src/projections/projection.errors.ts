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
