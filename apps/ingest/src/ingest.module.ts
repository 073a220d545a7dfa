import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { SchemaRegistryController } from './registry/schema-registry.controller';
import { AppendTouchpointsController } from './touchpoints/append-touchpoints/append-touchpoints.controller';
import { AppendTouchpointsHandler } from './touchpoints/append-touchpoints/append-touchpoints.handler';
import { TouchpointBodyMiddleware } from './touchpoints/append-touchpoints/touchpoint-body.middleware';
import { KafkaIntakeService } from './touchpoints/kafka-intake/kafka-intake.service';

/** Ingestion: POST /v1/touchpoints, the Kafka intake (servers mode), and the schema registry API. */
@Module({
  controllers: [AppendTouchpointsController, SchemaRegistryController],
  providers: [AppendTouchpointsHandler, KafkaIntakeService],
})
export class IngestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TouchpointBodyMiddleware).forRoutes({ path: 'v1/touchpoints', method: RequestMethod.POST });
  }
}
