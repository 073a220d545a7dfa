import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { DataDirInUseError, readSettings } from '@cdp/platform-runtime/settings';
import { PlatformClient } from '../platform-client/platform-client';
import { PlatformUnreachableError } from '../platform-client/platform-client.errors';
import { platformClientFor, type CliContext } from './cli-context';
import { CliError } from './cli-error';

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
  if (!existsSync(settings.dataDir)) {
    // A mistyped CDP_DATA_DIR, or the wrong working folder: a new, empty platform would answer as if it had no data.
    throw new CliError(
      'CLI.NO_PLATFORM',
      `No platform answers at ${client.baseUrl}, and there is no data folder at ${settings.dataDir} to open instead. Start the platform (npm start), give its address with --url or CDP_URL, or set CDP_DATA_DIR to its data folder.`,
    );
  }
  context.terminal.err(`No platform answers at ${client.baseUrl}: opening the data in ${settings.dataDir} in this process (half a minute or so; its projections run meanwhile).`);
  // Loaded here only: the platform's modules take most of the CLI's start otherwise.
  const [{ startHttpProcess }, { PLATFORM_FEATURES }] = await Promise.all([import('@cdp/platform-runtime'), import('@cdp/platform-app')]);
  const local = await startHttpProcess(settings, PLATFORM_FEATURES).catch((error: unknown) => {
    if (!(error instanceof DataDirInUseError)) throw error;
    throw new CliError(
      'CLI.PLATFORM_ELSEWHERE',
      `No platform answers at ${client.baseUrl}, but the platform process ${error.holder} holds the data in ${error.dataDir}: give its address with --url or CDP_URL (it listens on its PORT, 3000 unless set).`,
    );
  });
  try {
    return await work(new PlatformClient(local.url, context.fetch));
  } finally {
    await local.close();
  }
}
