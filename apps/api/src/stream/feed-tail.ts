import type { RecordedEvent, Subscription } from '@cdp/event-log';
import { comparePostgresLogOffsets, type PostgresEventLog } from '@cdp/event-log-postgres';

export interface TailListener {
  /** Takes the next events after its position, in log order; false when it cannot take more now, which lets it go. */
  take(events: readonly RecordedEvent[]): boolean;
}

export interface TailMembership {
  /** Settles once the tail has let the listener go: it refused events, left, or the tail closed. */
  readonly ended: Promise<void>;
  leave(): void;
}

export interface FeedTail {
  /**
   * Joins the tail just after `after` (undefined: the log's start). The listener is handed at once
   * what the tail holds past it, then each batch as the tail reads it. Undefined when the tail no
   * longer holds everything after `after`, or the listener refused its first events: the caller
   * reads the log on its own, and joins again once `covers` says it may.
   */
  join(after: string | undefined, listener: TailListener): Promise<TailMembership | undefined>;
  /** Whether a join at `after` would be taken now (or may be, once the idle tail starts again). */
  covers(after: string | undefined): boolean;
  close(): Promise<void>;
}

export interface FeedTailOptions {
  /** How many of the latest events the tail keeps for listeners that join a little behind it. */
  readonly keep: number;
  readonly maxBatchSize: number;
  /** How long the tail keeps reading with no listener, before it stops until the next join. */
  readonly idleMs: number;
  readonly onError: (error: unknown) => void;
}

interface Member {
  readonly listener: TailListener;
  after: string | undefined;
  end(): void;
}

interface Running {
  /** Every event after this offset that the tail has read is in `recent`. */
  base: string | undefined;
  readonly recent: RecordedEvent[];
  readonly members: Set<Member>;
  subscription?: Subscription;
  stopped: boolean;
}

/**
 * One reader of a Postgres log per process, shared by every subscriber that has caught up with it:
 * each new batch is read once, not once per subscriber. The tail never waits for a listener; one
 * that cannot take a batch is let go, and reads the log on its own at its own pace until it has
 * caught up again.
 */
export function feedTail(log: PostgresEventLog, options: FeedTailOptions): FeedTail {
  let running: Promise<Running> | undefined;
  let current: Running | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let closed = false;

  async function start(): Promise<Running> {
    const from = await log.headCheckpoint();
    const tail: Running = { base: from.all, recent: [], members: new Set(), stopped: false };
    tail.subscription = await log.subscribe({
      subscriberId: 'feed-tail',
      from,
      maxBatchSize: options.maxBatchSize,
      onError: options.onError,
      onBatch: async ({ events }) => receive(tail, events),
    });
    current = tail;
    return tail;
  }

  function receive(tail: Running, events: readonly RecordedEvent[]) {
    tail.recent.push(...events);
    if (tail.recent.length > options.keep) tail.base = tail.recent.splice(0, tail.recent.length - options.keep).at(-1)!.offset;
    for (const member of tail.members) hand(tail, member, events);
  }

  function hand(tail: Running, member: Member, events: readonly RecordedEvent[]) {
    const next = events.filter((event) => comparePostgresLogOffsets(event.offset, member.after) > 0);
    if (next.length === 0) return;
    member.after = next[next.length - 1].offset;
    let taken = false;
    try {
      taken = member.listener.take(next);
    } catch (error) {
      options.onError(error);
    }
    if (!taken) letGo(tail, member);
  }

  function letGo(tail: Running, member: Member) {
    if (!tail.members.delete(member)) return;
    member.end();
    if (tail.members.size === 0 && !closed) {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => void stop(tail), options.idleMs).unref();
    }
  }

  async function stop(tail: Running) {
    if (tail.stopped || (tail.members.size > 0 && !closed)) return;
    tail.stopped = true;
    if (current === tail) {
      current = undefined;
      running = undefined;
    }
    for (const member of [...tail.members]) letGo(tail, member);
    await tail.subscription?.close();
  }

  return {
    async join(after, listener) {
      for (;;) {
        if (closed) return undefined;
        const pending = (running ??= start().catch((error: unknown) => {
          running = undefined;
          throw error;
        }));
        const tail = await pending;
        if (tail.stopped) continue;
        clearTimeout(idleTimer);
        if (comparePostgresLogOffsets(after, tail.base) < 0) {
          if (tail.members.size === 0) idleTimer = setTimeout(() => void stop(tail), options.idleMs).unref();
          return undefined;
        }
        let end!: () => void;
        const ended = new Promise<void>((resolve) => (end = resolve));
        const member: Member = { listener, after, end };
        tail.members.add(member);
        hand(tail, member, tail.recent);
        if (!tail.members.has(member)) return undefined;
        return { ended, leave: () => letGo(tail, member) };
      }
    },

    covers(after) {
      return current === undefined || comparePostgresLogOffsets(after, current.base) >= 0;
    },

    async close() {
      closed = true;
      clearTimeout(idleTimer);
      const tail = await running?.catch(() => undefined);
      if (tail) await stop(tail);
    },
  };
}
