import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import type { EventLog } from '@cdp/event-log';
import { consumerTimingFor, platformKafka } from '@cdp/event-log-kafka';
import type { SchemaCatalog } from '@cdp/events';
import { INTAKE_REFUSAL_CODES, runTouchpointIntake, touchpointIntakeTopics, type TouchpointIntake } from '@cdp/kafka-intake';
import { CLOCK, METRICS, SCHEMA_CATALOG, SETTINGS, TOUCHPOINT_LOG, type Clock, type Settings } from '@cdp/platform-runtime';

/**
 * Servers mode: takes the touchpoints producers write straight to Kafka (the raw topic) into the
 * log, and dead-letters what it refuses. Every ingest process joins the intake's consumer group,
 * so they share the raw topic's partitions. Embedded mode has no Kafka; CDP_KAFKA_INTAKE=off turns it off.
 */
@Injectable()
export class KafkaIntakeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('kafka-intake');
  private readonly accepted: Counter;
  private readonly deadLettered: Counter;
  private readonly duplicates: Counter;
  private intake: TouchpointIntake | undefined;

  constructor(
    @Inject(TOUCHPOINT_LOG) private readonly log: EventLog,
    @Inject(SCHEMA_CATALOG) private readonly catalog: SchemaCatalog,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS) registry: Registry,
  ) {
    this.accepted = new Counter({ name: 'cdp_kafka_intake_accepted_total', help: 'Raw-topic messages appended to the touchpoint log (or already in it)', registers: [registry] });
    this.deadLettered = new Counter({
      name: 'cdp_kafka_intake_dead_lettered_total',
      help: 'Raw-topic messages refused and produced to the dead-letter topic, by code',
      labelNames: ['code'],
      registers: [registry],
    });
    // A series at 0 for each code from the start: Prometheus's increase() misses a series' first sample, which would be the first refusal.
    for (const code of INTAKE_REFUSAL_CODES) this.deadLettered.inc({ code }, 0);
    this.duplicates = new Counter({
      name: 'cdp_kafka_intake_duplicates_total',
      help: 'Raw-topic messages whose event id the log already held: read again, or an id reused for another touchpoint, which is dropped',
      registers: [registry],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.mode !== 'servers' || !this.settings.kafkaIntake) return;
    const topics = touchpointIntakeTopics(this.settings.kafkaNamespace);
    this.intake = await runTouchpointIntake({
      kafka: platformKafka({ clientId: `${this.settings.kafkaNamespace}.intake`, brokers: this.settings.kafkaBrokers }),
      topics,
      log: this.log,
      catalog: this.catalog,
      policy: { defaultPhoneRegion: this.settings.defaultPhoneRegion },
      now: () => this.clock.now(),
      timing: consumerTimingFor(this.settings.kafkaSessionTimeoutSeconds * 1000),
      onAccepted: (count) => this.accepted.inc(count),
      onDeadLettered: (code) => this.deadLettered.inc({ code }),
      onDuplicates: (count) => this.duplicates.inc(count),
      onError: (error) => this.logger.warn(`taking touchpoints from ${topics.raw} failed: ${(error as Error).message}; retrying the batch`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.intake?.close();
  }
}
