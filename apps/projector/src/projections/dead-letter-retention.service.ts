import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { MS_PER_DAY } from '@cdp/events';
import { CLOCK, METRICS, periodicTask, SETTINGS, SQL, type Clock, type PeriodicTask, type Settings } from '@cdp/platform-runtime';
import { pruneResolvedDeadLetters } from '@cdp/projections';
import type { SqlClient } from '@cdp/sql';
import { ProjectionsService } from './projections.service';

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** Deletes resolved dead letters older than CDP_DEAD_LETTER_RETENTION_DAYS, at start and every hour. */
@Injectable()
export class DeadLetterRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('dead-letters');
  private readonly pruned: Counter;
  private pruning: PeriodicTask | undefined;

  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS) registry: Registry,
    private readonly projections: ProjectionsService,
  ) {
    this.pruned = new Counter({ name: 'cdp_projection_dead_letters_pruned_total', help: 'Resolved dead letters deleted once older than CDP_DEAD_LETTER_RETENTION_DAYS', registers: [registry] });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.deadLetterRetentionDays === 0) return;
    // The dead letters' table exists once the projections have started.
    await this.projections.started();
    this.pruning = periodicTask(() => this.prune(), PRUNE_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pruning?.stop();
  }

  private async prune(): Promise<void> {
    const days = this.settings.deadLetterRetentionDays;
    try {
      const deleted = await pruneResolvedDeadLetters(this.sql, new Date(this.clock.now().getTime() - days * MS_PER_DAY));
      this.pruned.inc(deleted);
      if (deleted > 0) this.logger.log(`deleted ${deleted} dead letters resolved more than ${days} days ago`);
    } catch (error) {
      this.logger.warn(`deleting resolved dead letters failed: ${(error as Error).message}; trying again in an hour`);
    }
  }
}
