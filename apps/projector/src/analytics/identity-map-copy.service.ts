import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { IdentityMapSync } from '@cdp/analytics';
import type { ClickHouseClient } from '@cdp/clickhouse';
import { Gauge, type Registry } from 'prom-client';
import { ANALYTICS, METRICS, SQL } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';

const COPY_EVERY_MS = 1_000;
/** While copies keep failing, how often that is said again: each second's failure would be 3,600 lines an hour. */
const WARN_AGAIN_EVERY_MS = 60_000;

/** Keeps the identity map in ClickHouse a second or so behind the customer projection. */
@Injectable()
export class IdentityMapCopyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('identity-map');
  private timer: NodeJS.Timeout | undefined;
  private sync: IdentityMapSync | undefined;
  private stopped = false;

  private failingSince: number | undefined;
  private warnedAt = 0;
  private readonly failing: Gauge;

  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(ANALYTICS) private readonly clickhouse: ClickHouseClient,
    @Inject(METRICS) registry: Registry,
  ) {
    // ClickHouse away on a quiet system shows here first: the analytics projection retries only once touchpoints come.
    this.failing = new Gauge({ name: 'cdp_identity_map_copy_failing', help: "1 while copying the identity map to ClickHouse fails (it is tried every second), else 0", registers: [registry] });
  }

  /** Copies every change committed so far (what an RFM run does before it reads). */
  async copyNow(): Promise<number> {
    this.sync ??= await IdentityMapSync.open(this.sql, this.clickhouse, { onLost: (message) => this.logger.warn(message) });
    return this.sync.syncNow();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.copyNow();
    const tick = () => {
      // A copy under way at shutdown must not schedule the next one.
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.copyNow().then(
          () => {
            this.copied();
            tick();
          },
          (error: Error) => {
            this.failed(error);
            tick();
          },
        );
      }, COPY_EVERY_MS);
    };
    tick();
  }

  private failed(error: Error): void {
    const now = Date.now();
    this.failing.set(1);
    this.failingSince ??= now;
    if (now - this.warnedAt < WARN_AGAIN_EVERY_MS) return;
    this.warnedAt = now;
    const seconds = Math.round((now - this.failingSince) / 1000);
    this.logger.warn(`copying the identity map to ClickHouse ${seconds === 0 ? 'failed' : `has failed for ${seconds} s`}: ${error.message}; retrying every second, said again each minute`);
  }

  private copied(): void {
    this.failing.set(0);
    if (this.failingSince === undefined) return;
    this.logger.log(`copying the identity map to ClickHouse works again, after ${Math.round((Date.now() - this.failingSince) / 1000)} s`);
    this.failingSince = undefined;
    this.warnedAt = 0;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sync?.syncNow().catch(() => undefined);
  }
}
