import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { EventLog } from '@cdp/event-log';
import { TOUCHPOINT_LOG } from '../tokens';

@Injectable()
export class EventLogHealthIndicator {
  constructor(
    @Inject(TOUCHPOINT_LOG) private readonly log: EventLog,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('touchpointLog');
    try {
      await this.log.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ reason: (error as Error).message });
    }
  }
}
