/** kafkajs's errors that mean the cluster did not answer, as opposed to one that refused the request. */
const KAFKA_UNREACHABLE = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound', 'KafkaJSLockTimeout', 'KafkaJSNumberOfRetriesExceeded']);

/** Socket errors: nothing answered, or the connection went. */
const SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether a failure is a store not answering, which a retry may get past: kafkajs's connection
 * errors and those it calls retriable, Postgres's connection exceptions (class 08), shutdowns (57P)
 * and lost connections, sockets. A refusal (a message too large, a denied topic, a bug) is not.
 */
export function isUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const { name, retriable, code, message, cause, originalError } = current as { name?: string; retriable?: boolean; code?: string; message?: string; cause?: unknown; originalError?: unknown };
    if ((name !== undefined && KAFKA_UNREACHABLE.has(name)) || retriable === true) return true;
    if (typeof code === 'string' && (SOCKET.has(code) || code.startsWith('08') || code.startsWith('57P'))) return true;
    if (typeof message === 'string' && /^Connection terminated/.test(message)) return true;
    current = originalError ?? cause;
  }
  return false;
}
