import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { IdentityMapSync } from '@cdp/analytics';
import type { ClickHouseClient } from '@cdp/clickhouse';
import { ANALYTICS, SQL } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';

const COPY_EVERY_MS = 1_000;

/** Keeps the identity map in ClickHouse a second or so behind the customer projection. */
@Injectable()
export class IdentityMapCopyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('identity-map');
  private timer: NodeJS.Timeout | undefined;
  private sync: IdentityMapSync | undefined;
  private stopped = false;

  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(ANALYTICS) private readonly clickhouse: ClickHouseClient,
  ) {}

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
        this.copyNow().then(tick, (error: Error) => {
          this.logger.warn(`copying the identity map to ClickHouse failed: ${error.message}; retrying`);
          tick();
        });
      }, COPY_EVERY_MS);
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sync?.syncNow().catch(() => undefined);
  }
}
