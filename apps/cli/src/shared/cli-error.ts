/**
 * Exit codes of every `cdp` command: 0 done; 1 failed (the platform refused, or what the command
 * checks is not right); 2 wrong usage; 75 unavailable, try again later (nothing answered, or in
 * time, the platform or a store was busy or away, the data folder held by another command):
 * sysexits' EX_TEMPFAIL, which schedulers read as "retry".
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, unavailable: 75 } as const;
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
