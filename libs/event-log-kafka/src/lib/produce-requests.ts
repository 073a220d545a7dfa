import type { Message, TopicMessages } from 'kafkajs';

/** A message and the topic it goes to. */
export interface Outgoing {
  readonly topic: string;
  readonly message: Message;
}

/**
 * What one produce request carries at most: well under Kafka's default limit on a record batch
 * (message.max.bytes, 1 MiB), which a partition's part of a request must fit.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

/**
 * The messages in the order given, cut into consecutive requests each under `maxBytes` (a message
 * larger than that goes alone). Send them one after another, each with `asTopicMessages`.
 */
export function produceRequests<T extends Outgoing>(outgoing: readonly T[], maxBytes = MAX_REQUEST_BYTES): T[][] {
  const requests: T[][] = [];
  let bytes = Infinity;
  for (const item of outgoing) {
    const size = bytesOf(item.message);
    if (bytes + size > maxBytes) {
      requests.push([]);
      bytes = 0;
    }
    requests[requests.length - 1].push(item);
    bytes += size;
  }
  return requests;
}

/** One request's messages grouped by topic, each topic's in the order given. */
export function asTopicMessages(request: readonly Outgoing[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message } of request) {
    const messages = byTopic.get(topic) ?? [];
    messages.push(message);
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function bytesOf({ key, value, headers }: Message): number {
  const headerBytes = Object.entries(headers ?? {}).reduce((sum, [name, header]) => sum + name.length + String(header ?? '').length, 0);
  return String(key ?? '').length + (value?.length ?? 0) + headerBytes;
}
