import type { NewEvent } from './event-log.port';

/**
 * Turns an event's type and data into the bytes of a message and back, for logs that store bytes
 * (Kafka). The touchpoint codec writes Avro in the Confluent wire format.
 */
export interface EventCodec {
  encode(event: Pick<NewEvent, 'type' | 'data'>): Buffer;
  decode(bytes: Buffer): { type: string; data: unknown };
}
