import type { Request, Response } from 'express';
import type { Checkpoint, RecordedEvent } from '@cdp/event-log';
import { comparePostgresLogOffsets, POSTGRES_LOG_START, type PostgresEventLog } from '@cdp/event-log-postgres';
import { feedEventId, InvalidFeedSubscriptionError, isWanted, type CustomerChange, type FeedSubscription } from '@cdp/feed';
import type { FeedTail } from './feed-tail';

export interface StreamCustomerChangesOptions {
  readonly feedLog: PostgresEventLog;
  readonly tail: FeedTail;
  /** The log's pruned-through position when it lies after `offset` (see pruneCustomerFeedLog). */
  readonly prunedAfter: (offset: string) => Promise<string | undefined>;
  /** Whether `offset` is the position of a change of this feed, held (the one `check` names, when given) or pruned (see isChangeId). */
  readonly isChangeId: (offset: string, check?: string) => Promise<boolean>;
  /** The id of the change held at `offset`, with its check (see changeIdAt); undefined when none is. */
  readonly changeIdAt: (offset: string) => Promise<string | undefined>;
  readonly subscription: FeedSubscription;
  readonly request: Request;
  readonly response: Response;
  readonly heartbeatMs: number;
  /** How long a write may wait for the subscriber to read before it is disconnected. */
  readonly slowConsumerMs: number;
  readonly onSlowConsumer: (reason: string) => void;
  readonly onOpen: () => void;
  readonly onClose: () => void;
  readonly onError: (error: unknown) => void;
}

const RETRY_MS = 3_000;
const GRACE_MS = 30_000;
/** Events read from the log per turn by a subscriber reading on its own: what it can have waiting in the socket, at most. */
const BATCH = 100;

/**
 * Streams the feed's log to one subscriber as server-sent events, each with the log position as
 * its id. A subscriber that has caught up takes its changes from the process's shared tail of the
 * log (`feedTail`), which reads each change once for all of them. One that is behind, or whose
 * socket is full, reads the log on its own, at its own pace: the next batch is read only once the
 * socket took the last one, so nothing piles up in memory. A subscriber that stops reading for
 * longer than `slowConsumerMs` is told why, and disconnected.
 */
export async function streamCustomerChanges(options: StreamCustomerChangesOptions): Promise<void> {
  const { response, subscription, tail } = options;
  // A subscriber may hang up while its start is read: nothing below would hear of it.
  let left = false;
  const leftEarly = () => (left = true);
  response.once('close', leftEarly);
  let after = (await startOf(options.feedLog, subscription, options.isChangeId)).all;
  const prunedThrough = typeof subscription.from === 'object' ? await options.prunedAfter(subscription.from.after) : undefined;
  /** `after` as an event id: with the check of the change there, so that a resume at a position is checked too. */
  let afterId = typeof subscription.from === 'object' ? eventIdOf(subscription.from) : after === undefined ? undefined : ((await options.changeIdAt(after)) ?? after);
  response.off('close', leftEarly);
  if (left || response.destroyed) return;
  // The heartbeat's pace, so that a client knows how long a silent stream may be alive (CDP_FEED_HEARTBEAT_SECONDS).
  const heartbeatSeconds = String(options.heartbeatMs / 1000);
  response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no', 'Cdp-Heartbeat-Seconds': heartbeatSeconds });
  response.flushHeaders();
  response.write(`retry: ${RETRY_MS}\n\n`);
  // No id: it is not a change, and a reconnect before the next change is told again.
  if (prunedThrough !== undefined) response.write(`event: pruned\ndata: ${JSON.stringify(prunedNotice(prunedThrough))}\n\n`);
  /**
   * Where the subscriber is in the feed, as the id to resume at, when it is past the last change
   * sent: at the start (from=now, whose changes a reconnect before the first one would otherwise
   * skip), and at heartbeats after changes its filter left out (whose resumption would otherwise
   * read them again, and be told again of changes pruned since). A subscriber that resumes holds
   * its position already. An empty feed's position is its start.
   */
  let positionSent = afterId;
  const sendPosition = () => {
    if (afterId === undefined || afterId === positionSent) return;
    response.write(`event: position\nid: ${afterId}\ndata: {}\n\n`);
    positionSent = afterId;
  };
  if (subscription.from === 'now') {
    after ??= POSTGRES_LOG_START;
    afterId ??= POSTGRES_LOG_START;
    positionSent = undefined;
    sendPosition();
  }
  options.onOpen();

  let open = true;
  /** Stops whichever way the subscriber is being fed now. */
  let leave: () => void = () => undefined;
  const heartbeat = setInterval(() => {
    if (response.writableNeedDrain) return;
    response.write(`: heartbeat ${new Date().toISOString()}\n\n`);
    sendPosition();
  }, options.heartbeatMs);
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    options.onClose();
    leave();
  };
  options.request.on('close', close);
  response.on('close', close);

  /** One write per batch: a write per change would be a system call per change. */
  const send = (events: readonly RecordedEvent[]) => {
    const wanted = events.filter((event) => isWanted(subscription, event.data as CustomerChange));
    if (open && wanted.length > 0) response.write(wanted.map(frameOf).join(''));
    const last = events[events.length - 1];
    after = last.offset;
    afterId = feedEventId(last.offset, last.eventId);
    if (wanted.length > 0 && wanted[wanted.length - 1] === last) positionSent = afterId;
  };
  const disconnectSlowConsumer = () => {
    const reason = `the subscriber read nothing for ${options.slowConsumerMs / 1000} s while changes waited; reconnect with the Last-Event-ID of the last event handled`;
    response.write(`event: disconnect\ndata: ${JSON.stringify({ code: 'FEED.SLOW_CONSUMER', reason })}\n\n`);
    options.onSlowConsumer(reason);
    close();
    response.end();
    // The reason waits behind what the subscriber has not read; one that never reads is cut off.
    setTimeout(() => response.destroy(), GRACE_MS).unref();
  };
  /** Reads the log on its own from `after`, until the tail covers where it got to or the stream ends. */
  const readOnOwn = async (): Promise<void> => {
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    let reading = true;
    leave = () => caughtUp();
    const following = await options.feedLog.subscribe({
      subscriberId: 'sse',
      from: after === undefined ? {} : { all: after },
      maxBatchSize: BATCH,
      onError: options.onError,
      onBatch: async ({ events }) => {
        // What comes after the catch-up is the tail's to send, from where this left off.
        if (!reading || !open) return;
        send(events);
        if (response.writableNeedDrain && (await drained(response, options.slowConsumerMs)) === 'timeout') disconnectSlowConsumer();
        if (!open || tail.covers(after)) caughtUp();
      },
    });
    await done;
    reading = false;
    await following.close();
  };

  try {
    while (open) {
      const membership = await tail.join(after, { take: (events) => (send(events), open && !response.writableNeedDrain) });
      if (membership) {
        leave = () => membership.leave();
        // Closed while it joined: nothing else would let the tail know.
        if (!open) membership.leave();
        await membership.ended;
      }
      if (!open) return;
      if (response.writableNeedDrain && (await drained(response, options.slowConsumerMs)) === 'timeout') return disconnectSlowConsumer();
      if (open) await readOnOwn();
    }
  } catch (error) {
    options.onError(error);
    close();
    response.end();
  }
}

function eventIdOf({ after, check }: { readonly after: string; readonly check?: string }): string {
  return check === undefined ? after : `${after}:${check}`;
}

/** A change as one server-sent event; kept per event, so that the tail's subscribers share one serialisation. */
const frames = new WeakMap<RecordedEvent, string>();
function frameOf(event: RecordedEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `id: ${feedEventId(event.offset, event.eventId)}\nevent: ${(event.data as CustomerChange).type}\ndata: ${sseJson(event.data)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

/**
 * JSON for a `data:` line, with the line separators JSON leaves as they are (U+2028, U+2029, U+0085)
 * escaped: SSE splits lines at CR and LF only, but line readers of other languages (Python's
 * `str.splitlines`, which requests' `iter_lines` uses) split there too, and cut the change in two.
 */
export function sseJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029\u0085]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function prunedNotice(prunedThrough: string) {
  return {
    code: 'FEED.CHANGES_PRUNED',
    prunedThrough,
    reason: `changes after your Last-Event-ID, up to position ${prunedThrough} of the feed's log, are gone (CDP_FEED_RETENTION_DAYS); what follows holds every customer's latest change since, so states are complete but versions may jump`,
  };
}

async function startOf(feedLog: PostgresEventLog, subscription: FeedSubscription, isChangeId: StreamCustomerChangesOptions['isChangeId']): Promise<Checkpoint> {
  if (subscription.from === 'start') return {};
  if (subscription.from === 'now') return feedLog.headCheckpoint();
  const { after, check } = subscription.from;
  // The position an empty feed gave (see sendPosition): every change there is came after it.
  if (after === POSTGRES_LOG_START) return {};
  const head = (await feedLog.headCheckpoint()).all;
  if (comparePostgresLogOffsets(after, head) > 0) {
    // An id this feed never gave: from another platform, or from before its data was reset. Waiting would never bring its next event.
    const message = `is after the newest event of this feed (${head ?? 'it has none yet'}), so it is not an id this feed gave: resume with the id of the last event you handled, or subscribe with from=start for every customer's current state`;
    throw new InvalidFeedSubscriptionError([{ field: 'Last-Event-ID', value: after, message }]);
  }
  if (!(await isChangeId(after, check))) {
    const message =
      check === undefined
        ? 'names no change of this feed, so resuming there would skip the changes up to the next one: resume with the id of the last event you handled, or subscribe with from=start for every customer\'s current state'
        : 'names a change this feed does not hold (its data was restored from an earlier copy since, or the id is another platform\'s), so what followed it cannot be found: subscribe with from=start for every customer\'s current state';
    throw new InvalidFeedSubscriptionError([{ field: 'Last-Event-ID', value: eventIdOf(subscription.from), message }]);
  }
  return { all: after };
}

/** Waits until the socket has room again, it closes, or `ms` have passed. */
function drained(response: Response, ms: number): Promise<'drained' | 'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const done = (outcome: 'drained' | 'closed' | 'timeout') => {
      clearTimeout(timer);
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(outcome);
    };
    const onDrain = () => done('drained');
    const onClose = () => done('closed');
    const timer = setTimeout(() => done('timeout'), ms);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}
