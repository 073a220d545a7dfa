import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { EventLog } from '@cdp/event-log';
import { answerWithin } from '../answer-within';
import { TOUCHPOINT_LOG } from '../tokens';

/** A probe waits this long for the log: a load balancer's own probe gives up after a few seconds. */
const PING_TIMEOUT_MS = 3_000;

@Injectable()
export class EventLogHealthIndicator {
  constructor(
    @Inject(TOUCHPOINT_LOG) private readonly log: EventLog,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('touchpointLog');
    try {
      await answerWithin(this.log.ping(), PING_TIMEOUT_MS, 'the touchpoint log');
      return indicator.up();
    } catch (error) {
      return indicator.down({ reason: (error as Error).message });
    }
  }
}
