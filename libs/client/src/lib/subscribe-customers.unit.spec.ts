import { subscribeCustomers } from './subscribe-customers';
import type { SseSubscribeOptions } from './customer-subscription';

describe("subscribeCustomers of '@cdp/client'", () => {
  it('refuses the Kafka transport, saying which entry has it', () => {
    const onKafka = { transport: { kafka: { brokers: ['kafka:9092'], groupId: 'g', registryUrl: 'http://registry' } } } as unknown as SseSubscribeOptions;
    expect(() => subscribeCustomers(onKafka, () => undefined)).toThrow("import it from '@cdp/client/kafka' for the Kafka transport");
  });
});
