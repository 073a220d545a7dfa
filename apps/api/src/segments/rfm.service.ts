import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ANALYTICS_PROJECTION, IdentityMapSync, latestRun, migrateRfmTables, publishSegmentChanges, purgeRfmHistory, RfmRunStoppedError, runRfm, scheduledRfmRunDue, type RfmRunInput, type RfmRunOutcome } from '@cdp/analytics';
import type { ClickHouseClient } from '@cdp/clickhouse';
import { CUSTOMER_PROJECTION } from '@cdp/customer-projection';
import type { EventLog } from '@cdp/event-log';
import { assertDataFolderHasRoom, ANALYTICS, CLOCK, EVENT_STORE, SETTINGS, SQL, TOUCHPOINT_LOG, type Clock, type Settings } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';

/**
 * Runs RFM on request and on a schedule (CDP_RFM_EVERY_MINUTES, when `scheduledRfmRunDue`), one
 * run at a time in this process. A run still waiting for the projections when the process stops
 * gives up, so that stopping does not wait for them.
 */
@Injectable()
export class RfmService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('rfm');
  private previous: Promise<unknown> = Promise.resolve();
  private runsUnderWay = 0;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** The scheduled turn under way, which stopping waits for before the stores close. */
  private tick: Promise<void> = Promise.resolve();
  private identityMap: IdentityMapSync | undefined;

  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(ANALYTICS) private readonly clickhouse: ClickHouseClient,
    @Inject(TOUCHPOINT_LOG) private readonly touchpointLog: EventLog,
    @Inject(EVENT_STORE) private readonly eventStore: EventLog,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await migrateRfmTables(this.sql);
    this.identityMap = await IdentityMapSync.open(this.sql, this.clickhouse, { onLost: (message) => this.logger.warn(message) });
    void this.publishLeftovers();
    this.previous = this.purgeHistory();
    const everyMs = this.settings.rfm.everyMinutes * 60_000;
    if (everyMs > 0) this.timer = setInterval(() => {
        this.tick = this.scheduled(everyMs);
      }, everyMs).unref();
  }

  /** Before the HTTP server closes, which waits for the requests under way, a run asked over HTTP among them. */
  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    this.stopping.abort();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tick;
    await this.previous.catch(() => undefined);
  }

  run(input: RfmRunInput): Promise<RfmRunOutcome> {
    if (this.stopping.signal.aborted) return Promise.reject(new RfmRunStoppedError());
    // A run writes every customer's scores: on a nearly full disk PGlite would hang on it.
    if (this.settings.mode === 'embedded') {
      try {
        assertDataFolderHasRoom(this.settings.dataDir);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.runsUnderWay += 1;
    const run = this.previous
      .catch(() => undefined)
      .then(() =>
        runRfm(
          {
            sql: this.sql,
            clickhouse: this.clickhouse,
            touchpointLog: this.touchpointLog,
            eventStore: this.eventStore,
            projections: [CUSTOMER_PROJECTION, ANALYTICS_PROJECTION],
            copyIdentityMap: () => this.identityMap!.syncNow(),
            currency: this.settings.rfm.currency,
            grid: this.settings.rfm.grid,
            catchUpTimeoutMs: this.settings.rfm.catchUpTimeoutMs,
            signal: this.stopping.signal,
            now: () => this.clock.now(),
          },
          input,
          this.clock.now(),
        ),
      )
      .finally(() => (this.runsUnderWay -= 1));
    // Whether the run succeeded or not (its caller has its outcome): a rejection kept here would go unhandled.
    this.previous = run.catch(() => undefined).then(() => this.purgeHistory());
    return run;
  }

  /** Runs past CDP_RFM_RETENTION_DAYS leave ClickHouse; one run at a time with the runs themselves. */
  private async purgeHistory(): Promise<void> {
    try {
      const { days, runs } = await purgeRfmHistory(this.clickhouse, this.clock.now(), this.settings.rfm.retentionDays);
      if (days.length > 0) this.logger.log(`dropped ${runs.length} RFM run(s) scored on ${days.join(', ')}, past CDP_RFM_RETENTION_DAYS=${this.settings.rfm.retentionDays}`);
    } catch (error) {
      this.logger.warn(`RFM runs past their retention not dropped, tried again after the next run: ${(error as Error).message}`);
    }
  }

  /** Segment changes a run committed and could not append (its process died, the event store did not answer). */
  private publishLeftovers(): Promise<void> {
    return publishSegmentChanges(this.sql, this.eventStore).catch((error: Error) => this.logger.warn(`segment changes of an earlier RFM run not appended yet: ${error.message}`));
  }

  /** A turn of the schedule; it never rejects (a timer's rejection would go unhandled and end the process). */
  private async scheduled(everyMs: number): Promise<void> {
    try {
      await this.publishLeftovers();
      const last = await latestRun(this.sql);
      const now = this.clock.now();
      if (last !== undefined && Date.parse(last.asOf) > now.getTime() + 60_000) {
        // A run made by a clock that ran ahead stays current, and the runs after it are what-ifs, until time reaches it.
        this.logger.warn(
          `the current RFM run ${last.runId} is as of ${last.asOf}, after this process's now (${now.toISOString()}): a clock ran ahead when it ran. Its segments stay current, and runs as of now do not replace them, until then (docs/operations.md, Clocks)`,
        );
      }
      if (this.stopping.signal.aborted || !scheduledRfmRunDue(now, everyMs, last?.finishedAt, this.runsUnderWay)) return;
      const run = await this.run({});
      this.logger.log(`scheduled RFM run ${run.runId}: ${run.customers} customers as of ${run.asOf}`);
    } catch (error) {
      this.logger.warn(`scheduled RFM run failed: ${(error as Error).message}`);
    }
  }
}
