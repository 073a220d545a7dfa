import { Logger, Module, type INestApplication, type Type } from '@nestjs/common';
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

export interface RunningProcess {
  readonly app: INestApplication;
  /** Where it listens, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Stops serving, then closes the stores and releases the data folder. */
  close(): Promise<void>;
}

/** Opens the stores for the settings' mode and serves the given feature modules over HTTP. */
export async function startHttpProcess(settings: Settings, features: Type[], clock: Clock = systemClock): Promise<RunningProcess> {
  const releaseDataDir = settings.mode === 'embedded' ? lockDataDir(settings.dataDir) : () => undefined;
  try {
    const stores = await openStores(settings);
    @Module({ imports: [PlatformInfrastructureModule.forRoot(settings, stores, clock), CqrsModule.forRoot(), MetricsModule, HealthModule, ...features] })
    class ProcessModule {}

    const app = await NestFactory.create(ProcessModule, { bodyParser: false, logger: ['error', 'warn'] });
    configureHttpApp(app, settings);
    await app.listen(settings.port);
    const address = app.getHttpServer().address() as { port: number };
    return {
      app,
      url: `http://127.0.0.1:${address.port}`,
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

/** Runs a process until SIGINT or SIGTERM, then closes it; a failed start exits with its reason. */
export function runUntilSignalled(start: () => Promise<RunningProcess>, name: string): void {
  const logger = new Logger(name);
  // Started inside a promise, so that settings refused as they are read end the same way as a failed start.
  Promise.resolve().then(start).then(
    (running) => {
      console.log(`${name}: listening on ${running.url} (API docs at ${running.url}/docs)`);
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
      logger.error(error.message);
      process.exit(1);
    },
  );
}
