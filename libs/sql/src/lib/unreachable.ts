/**
 * Postgres's answers that the connection failed or went, which a retry on a new connection gets
 * past: connection exceptions (08000, 08001, 08003, 08004, 08006) and the session ended by an
 * administrator, a crash or a shutdown (57P01 to 57P03). Not the rest of their classes: a protocol
 * violation (08P01, what too many bind parameters get), a commit whose outcome is unknown (08007),
 * a dropped database (57P04) or a statement timeout (57014).
 */
const CONNECTION_LOST_SQLSTATES: ReadonlySet<string> = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03']);

/** Socket errors: nothing answered, or the connection went (platform-runtime's server-unreachable.ts keeps the narrower list of a server not answering at start). */
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

/** pg's words for a new connection not ready within its timeout (serverConnectionOptions): the Client's, and the pool's where its own timeout is set. */
const CONNECTION_TIMEOUT = /^(timeout expired|Connection terminated due to connection timeout)$/;

/** Whether the error, or one it wraps, is a new connection to Postgres that was not ready within its timeout. */
export function isConnectionTimeout(error: unknown): boolean {
  return anyInErrorChain(error, ({ message }) => typeof message === 'string' && CONNECTION_TIMEOUT.test(message));
}

/**
 * Whether a failure means a server did not answer or dropped the connection, which a retry may get
 * past: Postgres's CONNECTION_LOST_SQLSTATES, a connection the pg pool lost ("Connection
 * terminated …") or did not make within its timeout, socket errors. A refusal of the statement itself (a constraint, a syntax error,
 * a missing table) is not.
 */
export function isUnreachable(error: unknown): boolean {
  return anyInErrorChain(
    error,
    ({ code, message }) =>
      (typeof code === 'string' && (SOCKET_ERRORS.has(code) || CONNECTION_LOST_SQLSTATES.has(code))) ||
      (typeof message === 'string' && /^Connection terminated/.test(message)),
  ) || isConnectionTimeout(error);
}
