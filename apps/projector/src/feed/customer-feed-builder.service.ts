import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { migrateRfmTables } from '@cdp/analytics';
import { migrateCustomerFeedTables, runCustomerFeedBuilder } from '@cdp/customer-feed';
import type { PostgresEventLog } from '@cdp/event-log-postgres';
import { CLOCK, CUSTOMER_FEED_LOG, METRICS, SETTINGS, SQL, type Clock, type Settings } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { ProjectionsService } from '../projections/projections.service';
import { customerFeedSources } from './customer-feed-sources';

/** Turns what the read models mark changed into the feed's typed changes, in this process. */
@Injectable()
export class CustomerFeedBuilderService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('customer-feed');
  private builder: { close(): Promise<void> } | undefined;
  private readonly customersLooked: Counter;

  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(CUSTOMER_FEED_LOG) private readonly feedLog: PostgresEventLog,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS) registry: Registry,
    private readonly projections: ProjectionsService,
  ) {
    this.customersLooked = new Counter({ name: 'cdp_feed_customers_checked_total', help: 'Customers the feed compared with what it last published', registers: [registry] });
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
  }

  async onApplicationShutdown(): Promise<void> {
    await this.builder?.close();
  }
}
