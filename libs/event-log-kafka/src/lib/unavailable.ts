import { anyInErrorChain, isUnreachable } from '@cdp/sql';

/** kafkajs's errors that mean the cluster did not answer, as opposed to one that refused the request. */
const KAFKA_UNREACHABLE = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound', 'KafkaJSLockTimeout', 'KafkaJSNumberOfRetriesExceeded']);

/**
 * Whether a failure is a store not answering, which a retry may get past: kafkajs's connection
 * errors and those it calls retriable, Postgres's connection exceptions (class 08), shutdowns (57P)
 * and lost connections, sockets. A refusal (a message too large, a denied topic, a bug) is not.
 */
export function isUnavailable(error: unknown): boolean {
  return anyInErrorChain(error, ({ name, retriable }) => (typeof name === 'string' && KAFKA_UNREACHABLE.has(name)) || retriable === true) || isUnreachable(error);
}

/** Kafka's answer for a topic, or a partition of it, that it does not have: deleted, or made anew with fewer partitions. */
export function isTopicMissing(error: unknown): boolean {
  return anyInErrorChain(error, ({ type }) => type === 'UNKNOWN_TOPIC_OR_PARTITION');
}

/** Kafka's answer to a message over the broker's or the topic's limit (message.max.bytes, max.message.bytes). */
export function isMessageTooLarge(error: unknown): boolean {
  return anyInErrorChain(error, ({ type }) => type === 'MESSAGE_TOO_LARGE');
}
