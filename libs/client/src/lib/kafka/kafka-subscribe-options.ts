import type { KafkaConfig } from 'kafkajs';
import type { CommonSubscribeOptions } from '../customer-subscription';

export interface KafkaTransport {
  readonly brokers: readonly string[];
  /** The consumer group: its committed offsets are where a restart resumes. */
  readonly groupId: string;
  /** A Confluent Schema Registry: the schema of an id is at `{registryUrl}/schemas/ids/{id}`. */
  readonly registryUrl: string;
  /** Sent with every registry request, e.g. `authorization`. */
  readonly registryHeaders?: Readonly<Record<string, string>> | undefined;
  /** For the registry requests. */
  readonly fetch?: typeof fetch | undefined;
  /** Default `cdp-client`. */
  readonly clientId?: string | undefined;
  /** The events topic; default `cdp.customer-events.v1` (another CDP_KAFKA_NAMESPACE gives `<namespace>.customer-events.v1`). */
  readonly topic?: string | undefined;
  /** More kafkajs settings: ssl, sasl, timeouts, logLevel (default WARN). */
  readonly config?: Omit<KafkaConfig, 'brokers' | 'clientId'> | undefined;
}

export interface KafkaSubscribeOptions extends CommonSubscribeOptions {
  readonly transport: { readonly kafka: KafkaTransport };
  /** Where a consumer group without committed offsets begins (default `now`); otherwise it resumes from them. */
  readonly from?: 'start' | 'now' | undefined;
}

