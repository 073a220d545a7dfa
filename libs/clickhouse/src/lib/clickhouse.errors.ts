/** Errors of the ClickHouse adapters, with stable codes that apps map to statuses and exit codes. */
export class ClickHouseError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * ClickHouse refused a statement. The message quotes the statement's first line up to its first
 * string literal, to locate it among many: the literals are the data (customers' emails and phones
 * in the sink's lookups), which must not reach the logs.
 */
export class ClickHouseStatementError extends ClickHouseError {
  constructor(
    readonly statement: string,
    cause: unknown,
  ) {
    super('CLICKHOUSE.STATEMENT_FAILED', `ClickHouse refused "${firstLine(statement)}": ${messageOf(cause)}`, { cause });
  }
}

/** A chDB data folder belongs to one process at a time, and another process has it. */
export class ChdbDataFolderLockedError extends ClickHouseError {
  constructor(
    readonly dir: string,
    readonly holderPid: number,
    cause: unknown,
  ) {
    super(
      'CLICKHOUSE.DATA_FOLDER_LOCKED',
      `another process (pid ${holderPid}) holds the chDB data folder ${dir}, perhaps a platform running in embedded mode: ` +
        'stop that process, or go through the running platform instead of opening the folder',
      { cause },
    );
  }
}

/** Runs `work`, rethrowing its failure as a ClickHouseStatementError that names `statement`. */
export async function locateFailure<T>(statement: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new ClickHouseStatementError(statement, error);
  }
}

const FIRST_LINE_LENGTH = 200;

function firstLine(statement: string): string {
  const line = statement.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  const literal = line.indexOf("'");
  const shown = literal >= 0 ? line.slice(0, literal) : line;
  return shown.length > FIRST_LINE_LENGTH ? `${shown.slice(0, FIRST_LINE_LENGTH)}…` : literal >= 0 ? `${shown}…` : shown;
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
