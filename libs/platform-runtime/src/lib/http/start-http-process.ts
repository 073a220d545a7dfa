import { Logger, Module, type INestApplication, type Type } from '@nestjs/common';
import { releaseVersion } from '../release-version';
import { createServer, isIPv6 } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { systemClock, type Clock } from '../clock.port';
import { lockDataDir } from '../data-dir-lock';
import { openStores } from '../open-stores';
import { PlatformInfrastructureModule } from '../platform-infrastructure.module';
import type { Settings } from '../settings';
import { HealthModule } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';
import { configureHttpApp } from './configure-http-app';
import { dataFolderSpaceProblem } from '../data-folder-space';
import { PlatformLogger } from './platform-logger';

export interface RunningProcess {
  readonly app: INestApplication;
  /** Where this machine reaches it, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Whether it listens on every interface too (CDP_HOST 0.0.0.0 or ::, or none in servers mode). */
  readonly everyInterface: boolean;
  /** Stops serving, then closes the stores and releases the data folder. */
  close(): Promise<void>;
}

/** Opens the stores for the settings' mode and serves the given feature modules over HTTP; `logger` takes everything the process logs. */
export async function startHttpProcess(settings: Settings, features: Type[], clock: Clock = systemClock, logger: PlatformLogger = new PlatformLogger()): Promise<RunningProcess> {
  // Before the stores: a taken port would otherwise be found after a new data folder was set up.
  await assertPortFree(settings);
  // What the stores log as they open, before Nest's application exists, in the same form as the rest.
  Logger.overrideLogger(logger);
  const releaseDataDir = settings.mode === 'embedded' ? lockDataDir(settings.dataDir) : () => undefined;
  try {
    const stores = await openStores(settings);
    const room = settings.mode === 'embedded' ? dataFolderSpaceProblem(settings.dataDir) : undefined;
    if (room !== undefined) logger.warn(room);
    @Module({ imports: [PlatformInfrastructureModule.forRoot(settings, stores, clock), CqrsModule.forRoot(), MetricsModule, HealthModule, ...features] })
    class ProcessModule {}

    const app = await NestFactory.create(ProcessModule, { bodyParser: false, logger });
    configureHttpApp(app, settings);
    await (settings.host === undefined ? app.listen(settings.port) : app.listen(settings.port, settings.host));
    const address = app.getHttpServer().address() as { port: number };
    return {
      app,
      url: `http://${reachableHost(settings.host)}:${address.port}`,
      everyInterface: settings.host === undefined || settings.host === '0.0.0.0' || settings.host === '::',
      async close() {
        await app.close();
        await stores.close();
        releaseDataDir();
      },
    };
  } catch (error) {
    releaseDataDir();
    throw error;
  }
}

/** Refuses, with what to do, a port another process listens on. */
async function assertPortFree({ port, host }: Settings): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, host, resolve));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `cannot listen on ${host ?? 'every interface'} port ${port}`;
    if (code === 'EADDRINUSE') throw new Error(`${where}: another process listens there. Stop that process, or set PORT to a free port (and CDP_URL for the cdp CLI)`);
    if (code === 'EACCES') throw new Error(`${where}: this user may not listen on ports below 1024. Set PORT to 1024 or above`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`${where}: no interface of this machine has that address. Set CDP_HOST to one it has, or leave it unset`);
    throw error;
  } finally {
    await new Promise((resolve) => probe.close(resolve));
  }
}

/** A failed start's reason, with what to do when the machine ran out of room or of files, which the error alone does not say. */
export function withWhatRanOut(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return `${error.message}: a disk the platform writes to is full (in embedded mode, the data folder's: CDP_DATA_DIR). Free some space there, then start again`;
  if (code === 'EMFILE' || code === 'ENFILE' || /Too many open files/.test(error.message)) return `${error.message}: the process may open no more files. Raise its limit (ulimit -n, or LimitNOFILE in a systemd unit) to at least 1024, then start again`;
  return error.message;
}

/** How this machine reaches an address listened on: every interface, through the loopback one. */
function reachableHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIPv6(host) ? `[${host}]` : host;
}

/** Runs a process until SIGINT or SIGTERM, then closes it; a failed start exits with its reason. */
export function runUntilSignalled(start: () => Promise<RunningProcess>, name: string): void {
  // Colours are for a terminal: in a file or a log collector they are escape codes around every line.
  if (!process.stdout.isTTY && !process.env.NO_COLOR) process.env.NO_COLOR = '1';
  // A start refused before the process's stores open (its settings) logs in the platform's form too.
  Logger.overrideLogger(new PlatformLogger());
  const logger = new Logger(name);
  // First, so that whatever the start logs, or a start that fails, is known to come from this release.
  console.log(`${name} ${releaseVersion()}: starting`);
  // Started inside a promise, so that settings refused as they are read end the same way as a failed start.
  Promise.resolve().then(start).then(
    (running) => {
      const where = running.everyInterface ? `${running.url} and every other address of this machine (CDP_HOST)` : running.url;
      console.log(`${name}: listening on ${where} (API docs at ${running.url}/docs)`);
      const stop = () => {
        console.log(`${name}: stopping`);
        running.close().then(() => process.exit(0), (error) => {
          logger.error(error);
          process.exit(1);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: Error) => {
      logger.error(withWhatRanOut(error));
      process.exit(1);
    },
  );
}
