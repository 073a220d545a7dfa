import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { EventLog } from '@cdp/event-log';
import type { SqlClient } from '@cdp/sql';
import { answerWithin } from '../answer-within';
import { dataFolderSpaceProblem } from '../data-folder-space';
import type { Settings } from '../settings';
import { SETTINGS, SQL, TOUCHPOINT_LOG } from '../tokens';

/** A probe waits this long for a store: a load balancer's own probe gives up after a few seconds. */
const PROBE_TIMEOUT_MS = 3_000;

/** Whether the stores every process needs answer: the touchpoint log, and the database of read models and of ingestion's accepted ids. */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    @Inject(TOUCHPOINT_LOG) private readonly log: EventLog,
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** Embedded mode: whether the data folder's disk has room for what comes; touchpoints are refused when it has not. */
  dataFolder(): HealthIndicatorResult | undefined {
    if (this.settings.mode !== 'embedded') return undefined;
    const indicator = this.indicators.check('dataFolder');
    const problem = dataFolderSpaceProblem(this.settings.dataDir);
    return problem === undefined ? indicator.up() : indicator.down({ reason: problem });
  }

  touchpointLog(): Promise<HealthIndicatorResult> {
    return this.probe('touchpointLog', 'the touchpoint log', () => this.log.ping());
  }

  database(): Promise<HealthIndicatorResult> {
    return this.probe('database', 'the database', () => this.sql.query('SELECT 1'));
  }

  private async probe(key: string, what: string, ask: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      await answerWithin(ask(), PROBE_TIMEOUT_MS, what);
      return indicator.up();
    } catch (error) {
      return indicator.down({ reason: (error as Error).message });
    }
  }
}
