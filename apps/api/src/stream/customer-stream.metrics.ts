import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { METRICS } from '@cdp/platform-runtime';

/** The SSE subscribers of this process, and the slow ones it let go. */
@Injectable()
export class CustomerStreamMetrics {
  private readonly subscribers: Gauge;
  private readonly slowConsumers: Counter;

  constructor(@Inject(METRICS) registry: Registry) {
    this.subscribers = new Gauge({ name: 'cdp_feed_sse_subscribers', help: 'Open server-sent event streams of customer changes', registers: [registry] });
    this.slowConsumers = new Counter({ name: 'cdp_feed_sse_slow_consumers_total', help: 'Subscribers disconnected for not reading', registers: [registry] });
  }

  subscriberOpened(): void {
    this.subscribers.inc();
  }

  subscriberClosed(): void {
    this.subscribers.dec();
  }

  slowConsumerDisconnected(): void {
    this.slowConsumers.inc();
  }
}
