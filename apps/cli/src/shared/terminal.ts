/** Where a command writes: results to stdout, errors and progress to stderr. */
export interface Terminal {
  /** One line (or a block of lines) of the command's result. */
  out(text: string): void;
  /** One line of diagnostics. */
  err(text: string): void;
  /** Where progress bars are drawn; undefined when nobody watches (not a TTY, tests) or the terminal cannot redraw a line (TERM=dumb). */
  readonly progress: NodeJS.WriteStream | undefined;
}

export const processTerminal: Terminal = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  progress: process.stderr.isTTY && process.env.TERM !== 'dumb' ? process.stderr : undefined,
};
