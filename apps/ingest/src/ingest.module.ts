import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventLogHealthIndicator } from './health/event-log.health';
import { HealthController } from './health/health.controller';
import { SchemaRegistryController } from './registry/schema-registry.controller';
import { AppendTouchpointsController } from './touchpoints/append-touchpoints/append-touchpoints.controller';
import { AppendTouchpointsHandler } from './touchpoints/append-touchpoints/append-touchpoints.handler';
import { TouchpointBodyMiddleware } from './touchpoints/append-touchpoints/touchpoint-body.middleware';
import { KafkaIntakeService } from './touchpoints/kafka-intake/kafka-intake.service';

/** Ingestion: POST /v1/touchpoints, the Kafka intake (servers mode), the schema registry API, and /health. */
@Module({
  imports: [TerminusModule],
  controllers: [AppendTouchpointsController, SchemaRegistryController, HealthController],
  providers: [AppendTouchpointsHandler, EventLogHealthIndicator, KafkaIntakeService],
})
export class IngestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TouchpointBodyMiddleware).forRoutes({ path: 'v1/touchpoints', method: RequestMethod.POST });
  }
}
