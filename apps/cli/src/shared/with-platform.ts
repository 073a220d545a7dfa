import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirInUseError, readSettings } from '@cdp/platform-runtime/settings';
import { PlatformClient } from '../platform-client/platform-client';
import { PlatformUnreachableError } from '../platform-client/platform-client.errors';
import { platformClientFor, type CliContext } from './cli-context';
import { CliError, EXIT } from './cli-error';

/**
 * Runs an admin command against the running platform; when none runs and no address was given,
 * opens the embedded stores in this process (the data folder admits one process at a time), runs
 * the command against them, and closes them again.
 */
export async function withPlatform<T>(command: Command, context: CliContext, work: (client: PlatformClient) => Promise<T>): Promise<T> {
  const client = platformClientFor(command, context);
  const explicit = command.optsWithGlobals<{ url?: string }>().url !== undefined || context.env.CDP_URL !== undefined;
  try {
    await client.health();
    return await work(client);
  } catch (error) {
    if (!(error instanceof PlatformUnreachableError) || explicit || (context.env.CDP_MODE ?? 'embedded') !== 'embedded') throw error;
  }
  const settings = readSettings({ ...context.env, PORT: '0' });
  // The platform's database is its "pg" folder; an existing folder without it is not a platform's.
  if (!existsSync(join(settings.dataDir, 'pg'))) {
    // A mistyped CDP_DATA_DIR, or the wrong working folder: a new, empty platform would answer as if it had no data.
    throw new CliError(
      'CLI.NO_PLATFORM',
      `No platform answers at ${client.baseUrl}, and there is no data folder at ${settings.dataDir} to open instead${existsSync(settings.dataDir) ? ' (the folder holds no platform data)' : ''}. Start the platform (npm start), give its address with --url or CDP_URL, or set CDP_DATA_DIR to its data folder.`,
    );
  }
  context.terminal.err(`No platform answers at ${client.baseUrl}: opening the data in ${settings.dataDir} in this process (half a minute or so; its projections run meanwhile).`);
  // Loaded here only: the platform's modules take most of the CLI's start otherwise.
  const [{ startHttpProcess, PlatformLogger, systemClock }, { PLATFORM_FEATURES }] = await Promise.all([import('@cdp/platform-runtime'), import('@cdp/platform-app')]);
  // Its log goes to stderr: stdout is the command's result (`--json`).
  const start = () => startHttpProcess(settings, PLATFORM_FEATURES, systemClock, new PlatformLogger({ toStderr: true }));
  const local = await startWhenFree(start, context).catch((error: unknown) => {
    if (!(error instanceof DataDirInUseError)) throw error;
    if (error.heldByCli) {
      throw new CliError(
        'CLI.DATA_DIR_BUSY',
        `another cdp command (process ${error.holder}: ${error.holderCommand}) still has the data in ${error.dataDir} open after ${CLI_HOLDER_WAIT_MS / 60_000} min: run this again once it has finished, or start the platform (npm start), which serves every command at once.`,
        EXIT.unavailable,
      );
    }
    throw new CliError(
      'CLI.PLATFORM_ELSEWHERE',
      `No platform answers at ${client.baseUrl}, but the platform process ${error.holder} holds the data in ${error.dataDir}: give its address with --url or CDP_URL (it listens on its PORT, 3000 unless set).`,
      EXIT.unavailable,
    );
  });
  try {
    const { timeout } = command.optsWithGlobals<{ timeout?: number }>();
    return await work(new PlatformClient(local.url, context.fetch, timeout === undefined ? undefined : timeout * 1000));
  } finally {
    await local.close();
  }
}

/** How long a command waits for another `cdp` command that opened the data folder itself (two cron jobs that overlap). */
const CLI_HOLDER_WAIT_MS = 2 * 60_000;
const CLI_HOLDER_POLL_MS = 500;

/** Starts the platform in this process; while another `cdp` command holds the data folder, waits for it to let go. */
async function startWhenFree<T>(start: () => Promise<T>, context: CliContext): Promise<T> {
  const deadline = context.now().getTime() + CLI_HOLDER_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof DataDirInUseError) || !error.heldByCli || context.now().getTime() >= deadline) throw error;
      if (!told) context.terminal.err(`Another cdp command (process ${error.holder}: ${error.holderCommand}) has the data folder open: waiting for it to finish (up to ${CLI_HOLDER_WAIT_MS / 60_000} min).`);
      told = true;
      await context.sleep(CLI_HOLDER_POLL_MS);
    }
  }
}
