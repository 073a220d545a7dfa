import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { CustomerChange } from '@cdp/feed';
import { isKnownChangeType } from '../customer-change-filter';
import {
  callHandler,
  subscriptionOf,
  CustomerFeedError,
  type CustomerChangeFilter,
  type CustomerChangeHandler,
  type CustomerSubscription,
  type SseSubscribeOptions,
} from '../customer-subscription';
import { CdpApiError } from '../http/cdp-api-error';
import { endpoint } from '../http/endpoint';
import { parseJson } from '../http/parse-json';
import { Backoff, reporter, retryUntilDone, sleep } from '../retry';

const STREAM_PATH = '/v1/stream/customers';
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

/** The stream's URL: the filters, and where to begin when there is no Last-Event-ID to resume after. */
export function customerStreamUrl(baseUrl: string, filter: CustomerChangeFilter | undefined, from: 'start' | 'now' | undefined): string {
  const query = new URLSearchParams();
  if (filter?.types !== undefined && filter.types.length > 0) query.set('types', filter.types.join(','));
  if (filter?.segment !== undefined) query.set('segment', filter.segment);
  if (from !== undefined) query.set('from', from);
  return endpoint(baseUrl, STREAM_PATH, query);
}

/**
 * Follows `GET /v1/stream/customers`. The Last-Event-ID sent on each reconnect is the id of the
 * last change whose handler resolved, so a dropped connection loses nothing; a change being
 * handled when the process died comes again. A handler that fails gets the same change again,
 * after growing delays, until it succeeds or the subscription is closed: skipping it would lose it.
 * A 4xx answer (but 408 and 429) stops the subscription; anything else is reported and retried.
 */
export function sseSubscription(options: SseSubscribeOptions, handler: CustomerChangeHandler): CustomerSubscription {
  const { baseUrl, headers = {}, fetch: fetchImpl = globalThis.fetch, idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS } = options.transport.sse;
  const report = reporter(options.onError);
  const closing = new AbortController();
  const reconnects = new Backoff(options);
  let lastEventId = typeof options.from === 'object' ? options.from.lastEventId : undefined;
  let serverRetryMs: number | undefined;

  async function run(): Promise<void> {
    while (!closing.signal.aborted) {
      try {
        await connect();
      } catch (error) {
        if (closing.signal.aborted) return;
        report(error);
        if (isPermanent(error)) throw error;
        // A server that is full or stopping says when to come back: sooner would only be refused again.
        if (error instanceof CdpApiError && error.retryAfterMs !== undefined) {
          await sleep(Math.max(reconnects.next(serverRetryMs), afterRetryAfter(error.retryAfterMs)), closing.signal);
          continue;
        }
      }
      await sleep(reconnects.next(serverRetryMs), closing.signal);
    }
  }

  async function connect(): Promise<void> {
    const connection = new AbortController();
    const abort = () => connection.abort();
    closing.signal.addEventListener('abort', abort);
    try {
      const from = lastEventId === undefined ? (typeof options.from === 'string' ? options.from : 'now') : undefined;
      const response = await fetchImpl(customerStreamUrl(baseUrl, options.filter, from), {
        headers: { ...headers, accept: 'text/event-stream', ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) },
        signal: connection.signal,
      });
      if (!response.ok) throw await CdpApiError.from(response, `GET ${STREAM_PATH}`);
      const contentType = response.headers.get('content-type') ?? '';
      if (!contentType.startsWith('text/event-stream') || response.body === null) {
        throw new CustomerFeedError('FEED.NOT_AN_EVENT_STREAM', `GET ${STREAM_PATH} answered ${contentType || 'no content type'} rather than text/event-stream: is ${baseUrl} the platform's API?`);
      }
      // A server whose heartbeat is slower than the default allows for is given three of them.
      const heartbeatSeconds = Number(response.headers.get('cdp-heartbeat-seconds'));
      const idleFor = Number.isFinite(heartbeatSeconds) && heartbeatSeconds > 0 ? Math.max(idleTimeoutMs, Math.round(3_000 * heartbeatSeconds)) : idleTimeoutMs;
      await readEvents(response.body.getReader(), connection, idleFor);
    } finally {
      connection.abort();
      closing.signal.removeEventListener('abort', abort);
    }
  }

  /** Hands over the changes in order, reading no further while a handler runs; returns when the server ends the stream. */
  async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, connection: AbortController, idleFor: number): Promise<void> {
    const decoder = new TextDecoder();
    const events: EventSourceMessage[] = [];
    const parser = createParser({
      onEvent: (event) => events.push(event),
      onRetry: (ms) => (serverRetryMs = ms),
      // A heartbeat: the connection is healthy again.
      onComment: () => reconnects.reset(),
    });
    for (;;) {
      const { done, value } = await readWithin(reader, connection, idleFor);
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      for (const { event, id, data } of events.splice(0)) {
        if (event === 'disconnect') throw disconnectError(data);
        if (event === 'pruned') report(prunedError(data));
        // Where the stream is, past changes the filter left out (or at the start): resumed at, handed to no one.
        if (event === 'position') {
          if (id) lastEventId = id;
          continue;
        }
        // Changes have ids; other events are not part of the feed, and cannot be resumed at.
        if (id === undefined || id === '') continue;
        await handle(id, toChange(id, data));
        if (closing.signal.aborted) return;
      }
    }
  }

  async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, connection: AbortController, idleFor: number) {
    let idle = false;
    const timer = setTimeout(() => {
      idle = true;
      connection.abort();
    }, idleFor);
    try {
      return await reader.read();
    } catch (error) {
      if (idle) throw new CustomerFeedError('FEED.IDLE_TIMEOUT', `the stream sent nothing, not even a heartbeat, for ${idleFor} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function handle(id: string, change: CustomerChange): Promise<void> {
    if (isKnownChangeType(change.type)) {
      const handled = await retryUntilDone(
        (attempt) => callHandler(handler, change, { id }, attempt),
        {
          reconnectDelayMs: options.reconnectDelayMs,
          maxReconnectDelayMs: options.maxReconnectDelayMs,
          report,
          wait: (ms) => sleep(ms, closing.signal),
          stopped: () => closing.signal.aborted,
        },
      );
      if (!handled) return;
    }
    lastEventId = id;
    reconnects.reset();
  }

  return subscriptionOf(run(), closing, () => lastEventId);
}

function toChange(id: string, data: string): CustomerChange {
  const change = parseJson(data);
  if (typeof change !== 'object' || change === null) throw new CustomerFeedError('FEED.INVALID_EVENT', `event ${id}: the data is not a JSON object`);
  return change as CustomerChange;
}

function disconnectError(data: string): CustomerFeedError {
  const { code, reason } = (parseJson(data) ?? {}) as { code?: unknown; reason?: unknown };
  return new CustomerFeedError(typeof code === 'string' ? code : 'FEED.DISCONNECTED', `the server disconnected the stream: ${typeof reason === 'string' ? reason : data}`);
}

/** Not a failure of the connection: the feed no longer holds some changes after the position resumed at. */
function prunedError(data: string): CustomerFeedError {
  const { reason } = (parseJson(data) ?? {}) as { reason?: unknown };
  return new CustomerFeedError('FEED.CHANGES_PRUNED', typeof reason === 'string' ? reason : data);
}

/** The longest wait a Retry-After is taken for: a far date (a proxy's) must not stop the subscription for days. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * A Retry-After's wait, up to 10 minutes, and up to a fifth more at random: the clients a full
 * server turned away together must not all come back in the same instant.
 */
function afterRetryAfter(retryAfterMs: number): number {
  return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) * (1 + Math.random() / 5);
}

/** What retrying cannot fix: a request the server refuses, a URL that is not the stream. */
function isPermanent(error: unknown): boolean {
  return (error instanceof CdpApiError && !error.retryable) || (error instanceof CustomerFeedError && error.code === 'FEED.NOT_AN_EVENT_STREAM');
}
