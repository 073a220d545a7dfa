import type { Command } from 'commander';
import { PlatformClient } from '../platform-client/platform-client';
import { resolvePlatformUrl } from './options';
import { sleep } from './polling';
import { processTerminal, type Terminal } from './terminal';

/** What commands get from the outside world: the edge where time, environment and I/O come in. */
export interface CliContext {
  readonly terminal: Terminal;
  readonly env: NodeJS.ProcessEnv;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** The folder the command was run in: paths it prints are relative to it. */
  readonly cwd: () => string;
}

export const processContext: CliContext = {
  terminal: processTerminal,
  env: process.env,
  fetch: (...args) => fetch(...args),
  now: () => new Date(),
  sleep,
  cwd: () => process.cwd(),
};

/** The client of the platform this command talks to: --url, CDP_URL, or localhost:$PORT. */
export function platformClientFor(command: Command, context: CliContext): PlatformClient {
  const { url, timeout } = command.optsWithGlobals<{ url?: string; timeout?: number }>();
  return new PlatformClient(resolvePlatformUrl(url, context.env), context.fetch, timeout === undefined ? undefined : timeout * 1000);
}
