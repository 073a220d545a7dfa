import { bodyReadError, type BodyParserError } from './body-read-error';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { anyInErrorChain, isUnreachable } from '@cdp/sql';

/** Postgres's SQLSTATE for a disk with no room left (PGlite's too: "could not extend file … No space left on device"). */
const DISK_FULL = '53100';

/** HTTP statuses of the stable error codes that libs and apps throw. */
const STATUS_BY_CODE: Record<string, number> = {
  'INGEST.INVALID_TOUCHPOINTS': 400,
  'HTTP.MALFORMED_JSON': 400,
  'HTTP.UNREADABLE_BODY': 400,
  'HTTP.INVALID_REQUEST': 400,
  'HTTP.PAYLOAD_TOO_LARGE': 413,
  'HTTP.UNSUPPORTED_MEDIA_TYPE': 415,
  'EVENT_LOG.EXPECTED_VERSION_CONFLICT': 409,
  'EVENT_LOG.APPEND_IN_PROGRESS': 503,
  'EVENT_LOG.UNAVAILABLE': 503,
  'DATABASE.UNAVAILABLE': 503,
  'DATABASE.DISK_FULL': 503,
  'CUSTOMER.NOT_FOUND': 404,
  'CUSTOMER.INVALID_IDENTIFIER': 400,
  'PROJECTIONS.UNKNOWN': 404,
  'PROJECTIONS.UNKNOWN_REBUILD': 404,
  'PROJECTIONS.REBUILD_RUNNING': 409,
  'DEAD_LETTERS.NOT_FOUND': 404,
  'RFM.INVALID_PARAMETERS': 400,
  'RFM.PROJECTIONS_BEHIND': 503,
  'RFM.ANALYTICS_UNAVAILABLE': 503,
  'RFM.ANALYTICS_DATA_MISSING': 503,
  'RFM.STOPPED': 503,
  'RFM.NOT_SCORED': 404,
  'RFM.NO_RUN_YET': 404,
  'ANALYTICS.QUERY_REFUSED': 400,
  'ANALYTICS.UNAVAILABLE': 503,
  'LOYALTY.INVALID_REDEMPTION': 400,
  'LOYALTY.INSUFFICIENT_POINTS': 409,
  'LOYALTY.IDEMPOTENCY_KEY_REUSED': 422,
  'LOYALTY.MERGE_PENDING': 503,
  'FEED.INVALID_SUBSCRIPTION': 400,
  'FEED.TOO_MANY_SUBSCRIBERS': 503,
  // A Kafka topic whose settings an operator changed under the platform: the message says which, and the command that mends it.
  'KAFKA.TOPIC_SETTINGS': 503,
};

/**
 * When to ask again, for the answers that a retry later gets past: touchpoints another writer is
 * appending are its until it confirms them, or until its claim's lease (30 s) runs out if it died.
 */
const RETRY_AFTER_SECONDS_BY_CODE: Record<string, number> = {
  'EVENT_LOG.APPEND_IN_PROGRESS': 5,
  'EVENT_LOG.UNAVAILABLE': 5,
  'DATABASE.UNAVAILABLE': 5,
  'DATABASE.DISK_FULL': 60,
  // The projections an RFM run reads are still catching up, or ClickHouse is away, or the process is stopping.
  'RFM.PROJECTIONS_BEHIND': 30,
  'RFM.ANALYTICS_UNAVAILABLE': 5,
  'RFM.STOPPED': 5,
  'ANALYTICS.UNAVAILABLE': 5,
  'FEED.TOO_MANY_SUBSCRIBERS': 30,
  // Loyalty merges the accounts of merged customers within moments of identity.
  'LOYALTY.MERGE_PENDING': 1,
  'KAFKA.TOPIC_SETTINGS': 60,
};

/** How often an answer of one 5xx code is logged while it repeats (an outage answers every request so). */
const WARN_AGAIN_AFTER_MS = 60_000;

/** A code of the platform's own (CUSTOMER.NOT_FOUND), as opposed to a driver's SQLSTATE or errno. */
const PLATFORM_CODE = /^[A-Z][A-Z_]*\.[A-Z_]+$/;

/**
 * The error as the client is told of it: a failure without a code of the platform's whose
 * connection to a store went (a restart, a failover, a session killed) is DATABASE.UNAVAILABLE,
 * which the same request gets past a moment later; one whose database's disk is full,
 * DATABASE.DISK_FULL. Its cause is logged, not sent.
 */
function withCode(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && PLATFORM_CODE.test(code)) return error;
  if (anyInErrorChain(error, (link) => link.code === DISK_FULL)) {
    return Object.assign(new Error("the database's disk is full: send the request again once its operator has freed space (touchpoints with the same event ids: what was kept is answered as a duplicate)", { cause: error }), { code: 'DATABASE.DISK_FULL' });
  }
  if (!isUnreachable(error)) return error;
  return Object.assign(new Error('the database did not answer; retry in a few seconds', { cause: error }), { code: 'DATABASE.UNAVAILABLE' });
}

function describeCause(cause: Error): string {
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' && !PLATFORM_CODE.test(code) ? `${code}: ${cause.message}` : cause.message;
}

/**
 * Nest's own errors (an unknown route, a method not served) in the platform's shape, `{ error, message }`
 * with a code such as HTTP.NOT_FOUND; the bodies the platform gave an HttpException itself (the
 * schema registry's Confluent errors) as they are.
 */
function platformShapeOf(body: string | object): object {
  if (typeof body === 'string') return { error: 'HTTP', message: body };
  const nest = body as { statusCode?: unknown; error?: unknown; message?: unknown };
  if (nest.statusCode === undefined) return body;
  const code = `HTTP.${String(nest.error ?? 'ERROR').toUpperCase().replace(/\W+/g, '_')}`;
  return { error: code, message: Array.isArray(nest.message) ? nest.message.join('; ') : String(nest.message ?? '') };
}

/** Sends an error of the request's body, found before any route ran, in the platform's shape. */
export function sendBodyError(response: Response, error: BodyParserError, maxBodyBytes: number): void {
  const refusal = bodyReadError(error, maxBodyBytes);
  if (refusal) response.status(STATUS_BY_CODE[refusal.code]).json({ error: refusal.code, message: refusal.message });
  else response.status(500).json({ error: 'INTERNAL', message: `the body could not be read: ${error.message}` });
}

/** Maps errors with a stable `code` to their status, and anything else to a plain 500. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');
  private readonly warnedAt = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  /** Whether an answer of this code is to be logged now: the first, then one a minute, counting those passed over. */
  private warnsNow(code: string): boolean {
    const now = Date.now();
    if (now - (this.warnedAt.get(code) ?? -Infinity) < WARN_AGAIN_AFTER_MS) {
      this.suppressed.set(code, (this.suppressed.get(code) ?? 0) + 1);
      return false;
    }
    this.warnedAt.set(code, now);
    return true;
  }

  private unsaid(code: string): string {
    const count = this.suppressed.get(code) ?? 0;
    this.suppressed.delete(code);
    return count === 0 ? '' : `; ${count} more answered so in the minute before`;
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof HttpException) {
      response.status(error.getStatus()).json(platformShapeOf(error.getResponse()));
      return;
    }
    const { code, message, details, cause } = withCode(error) as { code?: unknown; message?: string; details?: unknown; cause?: unknown };
    const status = typeof code === 'string' ? STATUS_BY_CODE[code] : undefined;
    if (status === undefined) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      response.status(500).json({ error: 'INTERNAL', message: 'the platform failed to handle this request; it is logged. Retry it, and report it if it persists.' });
      return;
    }
    // A list of details is the located errors; an object adds its fields (409 { available }).
    const extra = details === undefined ? {} : Array.isArray(details) ? { errors: details } : (details as object);
    const retryAfter = RETRY_AFTER_SECONDS_BY_CODE[code as string];
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    // An outage the client is told to wait out is the operator's to see, with its cause; once a minute, not once a request.
    if (status >= 500 && this.warnsNow(code as string)) this.logger.warn(`${String(code)}: ${message}${cause instanceof Error ? ` (${describeCause(cause)})` : ''}${this.unsaid(code as string)}`);
    response.status(status).json({ error: code, message, ...extra });
  }
}
