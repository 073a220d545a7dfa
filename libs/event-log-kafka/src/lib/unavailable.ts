/** kafkajs's errors that mean the cluster did not answer, as opposed to one that refused the request. */
const KAFKA_UNREACHABLE = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound', 'KafkaJSLockTimeout', 'KafkaJSNumberOfRetriesExceeded']);

/** Socket errors: nothing answered, or the connection went. */
const SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface ErrorLike {
  readonly name?: string;
  readonly type?: string;
  readonly retriable?: boolean;
  readonly code?: string;
  readonly message?: string;
}

/** Whether the error, or one it wraps (kafkajs's originalError and errors, a cause), passes the test. */
function anyInChain(error: unknown, test: (error: ErrorLike) => boolean): boolean {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length > 0) {
    const next = pending.pop() as (ErrorLike & { cause?: unknown; originalError?: unknown; errors?: unknown }) | null;
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    if (test(next)) return true;
    pending.push(next.cause, next.originalError, ...(Array.isArray(next.errors) ? next.errors : []));
  }
  return false;
}

/**
 * Whether a failure is a store not answering, which a retry may get past: kafkajs's connection
 * errors and those it calls retriable, Postgres's connection exceptions (class 08), shutdowns (57P)
 * and lost connections, sockets. A refusal (a message too large, a denied topic, a bug) is not.
 */
export function isUnavailable(error: unknown): boolean {
  return anyInChain(
    error,
    ({ name, retriable, code, message }) =>
      (name !== undefined && KAFKA_UNREACHABLE.has(name)) ||
      retriable === true ||
      (typeof code === 'string' && (SOCKET.has(code) || code.startsWith('08') || code.startsWith('57P'))) ||
      (typeof message === 'string' && /^Connection terminated/.test(message)),
  );
}

/** Kafka's answer to a message over the broker's or the topic's limit (message.max.bytes, max.message.bytes). */
export function isMessageTooLarge(error: unknown): boolean {
  return anyInChain(error, ({ type }) => type === 'MESSAGE_TOO_LARGE');
}
