import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { EventCodec } from '@cdp/event-log';
import type { NewEvent, RecordedEvent } from '@cdp/event-log';
import type { ClaimedEvent } from './accepted-event-ids.port';

/**
 * How an event travels as a Kafka message: the key is the id part of its stream id, the value is
 * the codec's bytes, and the rest rides in string headers, so consumers that are not ours can
 * route and deduplicate without decoding the value.
 */
const EVENT_ID = 'cdp-event-id';
const EVENT_TYPE = 'cdp-event-type';
const STREAM_ID = 'cdp-stream-id';
const STREAM_POSITION = 'cdp-stream-position';
const METADATA_PREFIX = 'cdp-meta-';

/** A lane of the log: topics are named in it because a subscriber may follow several. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

export function kafkaPosition(topic: string, partition: number, offset: string): string {
  return `${partitionKey(topic, partition)}:${offset}`;
}

/** `key` is the id part of the event's stream id. */
export function toKafkaMessage(codec: EventCodec, event: NewEvent, claimed: ClaimedEvent, key: string, partition: number): Message {
  const headers: Record<string, string> = {
    [EVENT_ID]: event.eventId,
    [EVENT_TYPE]: event.type,
    [STREAM_ID]: claimed.streamId,
    [STREAM_POSITION]: String(claimed.streamPosition),
  };
  for (const name in event.metadata) headers[`${METADATA_PREFIX}${name}`] = event.metadata[name];
  return { key, value: codec.encode({ type: event.type, data: event.data }), partition, headers };
}

export function fromKafkaMessage(codec: EventCodec, topic: string, partition: number, message: KafkaMessage): RecordedEvent {
  const where = kafkaPosition(topic, partition, message.offset);
  if (!message.value) throw new Error(`the message at ${where} has no value`);
  const headers = headerTexts(message.headers ?? {});
  const header = (name: string) => {
    const value = headers.get(name);
    if (value === undefined) throw new Error(`the message at ${where} has no ${name} header: it was not written by this event log`);
    return value;
  };
  const { type, data } = codec.decode(message.value);
  const metadata = [...headers]
    .filter(([name]) => name.startsWith(METADATA_PREFIX))
    .map(([name, value]) => [name.slice(METADATA_PREFIX.length), value]);
  return {
    eventId: header(EVENT_ID),
    type,
    data,
    metadata: Object.fromEntries(metadata),
    streamId: header(STREAM_ID),
    streamPosition: Number(header(STREAM_POSITION)),
    position: where,
    partition: partitionKey(topic, partition),
    offset: message.offset,
    recordedAt: new Date(Number(message.timestamp)).toISOString(),
  };
}

function headerTexts(headers: IHeaders): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) texts.set(name, first.toString());
  }
  return texts;
}
