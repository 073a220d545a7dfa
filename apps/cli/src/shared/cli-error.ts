/** Exit codes of every `cdp` command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A failure to report in one line that says what to do next, with its stable code and exit code.
 * Anything else that escapes a command is a bug, reported with its stack.
 */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = EXIT.failure,
  ) {
    super(message);
  }
}

/** The command line itself is wrong: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super('CLI.USAGE', message, EXIT.usage);
  }
}
