import type { CustomerChange, CustomerChangeType } from '@cdp/feed';

/** Where a handled change came from: what to log, and what to store to resume from. */
export interface ChangeContext {
  /** SSE: the event id (pass it back as `from: { lastEventId }`); Kafka: `<topic>/<partition>:<offset>`. */
  readonly id: string;
}

/**
 * Handles one change. Changes are handed over one at a time, in the order of the feed (per
 * customer, versions ascend). A change counts as handled once the returned promise resolves.
 * Delivery is at-least-once: after a crash or a reconnect a change may come again, so drop
 * repeats by `customerId` + `version` (keep the highest version handled per customer).
 */
export type CustomerChangeHandler = (change: CustomerChange, context: ChangeContext) => Promise<void> | void;

export interface CustomerChangeFilter {
  /** Only these types; absent or empty: every type. */
  readonly types?: readonly CustomerChangeType[] | undefined;
  /** Only changes whose state is in this RFM segment (`state.rfm.segment`), and those that take a customer out of it (a move away, a merge, an erasure). */
  readonly segment?: string | undefined;
}

export interface SseTransport {
  /** The platform's API, e.g. `https://cdp.example.com`; the stream is `GET {baseUrl}/v1/stream/customers`. */
  readonly baseUrl: string;
  /** Sent with every request, e.g. `authorization`. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly fetch?: typeof fetch | undefined;
  /**
   * A connection that delivers nothing (not even the server's 15 s heartbeat) for this long is
   * dropped and made again: it catches connections that died without closing. Default 45 s, and
   * at least three of the heartbeats the server says it sends (`Cdp-Heartbeat-Seconds`).
   */
  readonly idleTimeoutMs?: number | undefined;
}

export interface CommonSubscribeOptions {
  readonly filter?: CustomerChangeFilter | undefined;
  /**
   * Told of every failure: a connection lost or refused, a disconnect by the server, a handler
   * that threw (a `ChangeHandlerError`), a change that cannot be decoded, and over SSE a resume
   * past changes the feed no longer holds (`FEED.CHANGES_PRUNED`: the changes that follow still
   * bring every customer's latest state). The subscription goes on unless `done` rejects.
   * Default: `console.error`.
   */
  readonly onError?: ((error: unknown) => void) | undefined;
  /**
   * The first delay before connecting again, or calling a handler that failed again; it doubles
   * with each consecutive failure up to `maxReconnectDelayMs`. Default: the SSE server's `retry:`,
   * else 1 s.
   */
  readonly reconnectDelayMs?: number | undefined;
  /** Default 30 s. */
  readonly maxReconnectDelayMs?: number | undefined;
}

export interface SseSubscribeOptions extends CommonSubscribeOptions {
  readonly transport: { readonly sse: SseTransport };
  /**
   * Where to begin: every change kept (`start`), the ones after now (`now`, the default), or the
   * ones after a change handled before. Reconnects resume after the last change handled.
   */
  readonly from?: 'start' | 'now' | { readonly lastEventId: string } | undefined;
}


export interface CustomerSubscription {
  /** Stops: no more changes are handed over; the change being handled finishes first. */
  close(): Promise<void>;
  /** The id of the last change handled: with SSE, what to store and pass back as `from: { lastEventId }`. */
  lastEventId(): string | undefined;
  /** Resolves once closed; rejects with the error that stopped it: an SSE request refused with a 4xx, kafkajs not installed. */
  readonly done: Promise<void>;
}

/** A handler threw or rejected: the change was not handled, and is handed over again after a delay. */
export class ChangeHandlerError extends Error {
  override readonly name = 'ChangeHandlerError';

  constructor(
    override readonly cause: unknown,
    readonly change: CustomerChange,
    readonly context: ChangeContext,
    /** 1 for the first failure of this change, then 2, ...: close the subscription to give up. */
    readonly attempt: number,
  ) {
    super(`the handler failed on ${change.type} ${change.customerId} v${change.version} (${context.id}), attempt ${attempt}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** The feed itself failed: a disconnect by the server, a stream or message the client cannot read. */
export class CustomerFeedError extends Error {
  override readonly name = 'CustomerFeedError';

  constructor(
    /** `FEED.SLOW_CONSUMER` and other codes of the server's disconnect event, or `FEED.IDLE_TIMEOUT`, `FEED.NOT_AN_EVENT_STREAM`, `FEED.INVALID_EVENT`, `FEED.INVALID_MESSAGE`, `FEED.CHANGES_PRUNED`, `FEED.INVALID_SUBSCRIPTION` (thrown: a Kafka topic of states, not changes). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the handler; its failure becomes a ChangeHandlerError that says which change and which attempt. */
export async function callHandler(handler: CustomerChangeHandler, change: CustomerChange, context: ChangeContext, attempt: number): Promise<void> {
  try {
    await handler(change, context);
  } catch (error) {
    throw new ChangeHandlerError(error, change, context, attempt);
  }
}

/** The handle of a running subscription: `close` stops it and waits for the handler under way. */
export function subscriptionOf(done: Promise<void>, closing: AbortController, lastEventId: () => string | undefined): CustomerSubscription {
  // Rejections reach those who await `done`, and onError; never an unhandledRejection.
  done.catch(() => undefined);
  return {
    async close() {
      closing.abort();
      await done.catch(() => undefined);
    },
    lastEventId,
    done,
  };
}
