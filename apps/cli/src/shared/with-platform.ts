import type { Command } from 'commander';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { readSettings, startHttpProcess } from '@cdp/platform-runtime';
import { PlatformClient } from '../platform-client/platform-client';
import { PlatformUnreachableError } from '../platform-client/platform-client.errors';
import { platformClientFor, type CliContext } from './cli-context';

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
  context.terminal.err(`No platform is running: opening the data in ${settings.dataDir} in this process.`);
  const local = await startHttpProcess(settings, PLATFORM_FEATURES);
  try {
    return await work(new PlatformClient(local.url, context.fetch));
  } finally {
    await local.close();
  }
}
