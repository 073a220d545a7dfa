/** Socket errors: nothing answered, or the connection went. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface ErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
}

/** Whether the error, or one it wraps (a cause, TypeORM's driverError, kafkajs's originalError and errors), passes the test. */
export function anyInErrorChain(error: unknown, test: (error: ErrorLike & Record<string, unknown>) => boolean): boolean {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length > 0) {
    const next = pending.pop() as (ErrorLike & Record<string, unknown>) | null;
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    if (test(next)) return true;
    pending.push(next.cause, next.driverError, next.originalError, ...(Array.isArray(next.errors) ? next.errors : []));
  }
  return false;
}

/**
 * Whether a failure means a server did not answer or dropped the connection, which a retry may get
 * past: Postgres's connection exceptions (SQLSTATE class 08) and shutdowns or terminated sessions
 * (57P), a connection the pg pool lost ("Connection terminated …"), socket errors. A refusal of
 * the statement itself (a constraint, a syntax error, a missing table) is not.
 */
export function isUnreachable(error: unknown): boolean {
  return anyInErrorChain(
    error,
    ({ code, message }) =>
      (typeof code === 'string' && (SOCKET_ERRORS.has(code) || code.startsWith('08') || code.startsWith('57P'))) ||
      (typeof message === 'string' && /^Connection terminated/.test(message)),
  );
}
