import type { CustomerChangeHandler, CustomerSubscription, SseSubscribeOptions } from './customer-subscription';
import { sseSubscription } from './sse/sse-subscription';

/**
 * Hands every change of the customer feed to `handler`, one at a time and in order, at least
 * once, over the platform's SSE stream; from Kafka as a consumer group with the same function of
 * `@cdp/client/kafka` (apart, so that a web page's bundle carries neither kafkajs nor avsc).
 *
 * - Progress advances only when the handler resolved: the SSE Last-Event-ID sent on reconnects,
 *   and the Kafka offsets committed, are those of the last change handled. A change may come
 *   twice (after a crash, a reconnect or a rebalance): drop repeats by `customerId` + `version`.
 * - A handler that throws is reported to `onError` as a `ChangeHandlerError` and called again
 *   with the same change after growing delays (`reconnectDelayMs` doubling up to
 *   `maxReconnectDelayMs`), until it succeeds: nothing is skipped, and later changes wait, so a
 *   customer's changes are never applied out of order. To give up on a change, catch inside
 *   the handler (e.g. park it in a dead-letter store); to give up altogether, call `close()`
 *   (e.g. from onError once `error.attempt` is high enough).
 * - Lost connections, 5xx, 408 and 429 answers are reported and retried the same way; a 4xx
 *   answer to the SSE request stops the subscription (`done` rejects with the CdpApiError).
 * - Changes of types this version of the client does not know are skipped.
 * - SSE filters are applied by the server; Kafka filters here, committing skipped changes.
 */
export function subscribeCustomers(options: SseSubscribeOptions, handler: CustomerChangeHandler): CustomerSubscription {
  if (!('sse' in options.transport)) {
    throw new TypeError("subscribeCustomers of '@cdp/client' follows the feed over SSE ({ transport: { sse } }): import it from '@cdp/client/kafka' for the Kafka transport");
  }
  return sseSubscription(options, handler);
}
