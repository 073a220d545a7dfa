import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { migrateRfmTables } from '@cdp/analytics';
import { migrateCustomerFeedTables, pruneCustomerFeedLog, runCustomerFeedBuilder, type CustomerFeedBuilderRun } from '@cdp/customer-feed';
import type { PostgresEventLog } from '@cdp/event-log-postgres';
import { MS_PER_DAY } from '@cdp/events';
import { CLOCK, CUSTOMER_FEED_LOG, METRICS, periodicTask, SETTINGS, SQL, type Clock, type PeriodicTask, type Settings } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { ProjectionsService } from '../projections/projections.service';
import { customerFeedSources } from './customer-feed-sources';

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Turns what the read models mark changed into the feed's typed changes, in this process, and
 * prunes the feed's log every hour.
 */
@Injectable()
export class CustomerFeedBuilderService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('customer-feed');
  private builder: CustomerFeedBuilderRun | undefined;
  private readonly customersLooked: Counter;
  private readonly changesPruned: Counter;
  private pruning: PeriodicTask | undefined;

  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(CUSTOMER_FEED_LOG) private readonly feedLog: PostgresEventLog,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS) registry: Registry,
    private readonly projections: ProjectionsService,
  ) {
    this.customersLooked = new Counter({ name: 'cdp_feed_customers_checked_total', help: 'Customers the feed compared with what it last published', registers: [registry] });
    this.changesPruned = new Counter({ name: 'cdp_feed_log_pruned_total', help: "Changes deleted from the feed's log once older than the retention", registers: [registry] });
  }

  async onApplicationBootstrap(): Promise<void> {
    await migrateCustomerFeedTables(this.sql);
    await migrateRfmTables(this.sql);
    // The feed reads the read models' tables: they exist once their projections have opened.
    await this.projections.started();
    this.builder = runCustomerFeedBuilder({
      sql: this.sql,
      feedLog: this.feedLog,
      sources: customerFeedSources(this.settings.loyalty.program),
      now: () => this.clock.now(),
      onStep: (customers) => this.customersLooked.inc(customers),
      onError: (error) => this.logger.warn(`building the feed failed: ${(error as Error).message}; retrying`),
    });
    // The read models mark the customers they change in their batches' transactions.
    this.projections.onBatchCommitted(() => this.builder?.wake());
    if (this.settings.feed.retentionDays > 0) this.pruning = periodicTask(() => this.prune(), PRUNE_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pruning?.stop();
    await this.builder?.close();
  }

  private async prune(): Promise<void> {
    const { retentionDays } = this.settings.feed;
    try {
      const deleted = await pruneCustomerFeedLog({
        sql: this.sql,
        recordedBefore: new Date(this.clock.now().getTime() - retentionDays * MS_PER_DAY),
        followers: this.projections.namesFollowing(this.feedLog),
      });
      this.changesPruned.inc(deleted);
      if (deleted > 0) this.logger.log(`pruned ${deleted} changes older than ${retentionDays} days from the feed's log`);
    } catch (error) {
      this.logger.warn(`pruning the feed's log failed: ${(error as Error).message}; trying again in an hour`);
    }
  }
}
