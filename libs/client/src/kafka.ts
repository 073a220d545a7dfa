import type { CustomerChangeHandler, CustomerSubscription, SseSubscribeOptions } from './lib/customer-subscription';
import type { KafkaSubscribeOptions } from './lib/kafka/kafka-subscribe-options';
import { kafkaSubscription } from './lib/kafka/kafka-subscription';
import { sseSubscription } from './lib/sse/sse-subscription';

export type { KafkaSubscribeOptions, KafkaTransport } from './lib/kafka/kafka-subscribe-options';

/**
 * `subscribeCustomers` of `@cdp/client`, with the Kafka transport too: `{ transport: { kafka } }`
 * follows `cdp.customer-events.v1` as a consumer group (kafkajs, an optional peer, is then needed),
 * `{ transport: { sse } }` the platform's SSE stream. The same guarantees hold (see there).
 */
export function subscribeCustomers(options: SseSubscribeOptions | KafkaSubscribeOptions, handler: CustomerChangeHandler): CustomerSubscription {
  return 'kafka' in options.transport ? kafkaSubscription(options as KafkaSubscribeOptions, handler) : sseSubscription(options as SseSubscribeOptions, handler);
}
