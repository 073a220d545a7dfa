import {
  EventLogUnavailableError,
  ExpectedVersionConflictError,
  openSubscriptions,
  type AppendResult,
  type AppendedEvent,
  type Checkpoint,
  type EventLog,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
} from '@cdp/event-log';
import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  DeadlineExceededError,
  END,
  NO_STREAM,
  NotLeaderError,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventStoreDBClient,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { appendIdOf, isAfter, isPlatformEvent, parseOffset, PARTITION, toEventData, toOffset, toRecordedEvent } from './eventstoredb-event';
import { eventStoreDbSubscription } from './eventstoredb-subscription';

const APPEND_ATTEMPTS = 10;

/** How many records of $all (system events included) pendingAfter reads, from a checkpoint on or back from the end; past that a lag is not counted (null). */
const PENDING_COUNT_LIMIT = 10_000;

/**
 * The event store on EventStoreDB (22.6 or later): streams with optimistic concurrency, and $all
 * for subscribers, whose offsets are "<commit>/<prepare>". Event data and metadata are stored as
 * JSON. The client stays its owner's to close.
 *
 * Duplicates: an append first reads the stream, and writes only the ids it does not hold, at the
 * revision it read (an 'any' append that loses a race reads again). So an id is recognised within
 * its own stream; the same id in another stream is not looked for. Reading the whole stream costs
 * one read per append, which suits the short streams of aggregates.
 *
 * appendMany is one append per stream, in order, each checked against its expected version: it is
 * not atomic across streams, so a conflict leaves the streams appended before it written.
 * readStreams reads the streams one at a time.
 */
export function createEventStoreDbEventLog(client: EventStoreDBClient): EventLog {
  const subscriptions = openSubscriptions();

  async function read(streamId: string, fromRevision: bigint, maxCount?: number): Promise<EsdbRecordedEvent[]> {
    const events: EsdbRecordedEvent[] = [];
    try {
      for await (const resolved of client.readStream(streamId, { fromRevision, maxCount })) {
        if (resolved.event) events.push(resolved.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /**
   * The platform's events of $all after the checkpoint, counted up to the limit of records read;
   * null when there are more. A checkpoint at the last platform event is 0 at once, however many
   * system events follow it.
   */
  async function countAfter(checkpoint: Checkpoint): Promise<number | null> {
    const after = checkpoint[PARTITION];
    const last = await lastPlatformOffset();
    if (last === undefined || (after !== undefined && last !== null && !isAfter(last, after))) return 0;
    let read = 0;
    let pending = 0;
    for await (const { event } of client.readAll({ fromPosition: after === undefined ? START : parseOffset(after), maxCount: PENDING_COUNT_LIMIT })) {
      read++;
      if (isPlatformEvent(event) && (after === undefined || isAfter(toOffset(event.position!), after))) pending++;
    }
    return read < PENDING_COUNT_LIMIT ? pending : null;
  }

  /** The offset of the last platform event of $all, read backwards up to the limit: undefined when $all holds none, null when not found within it. */
  async function lastPlatformOffset(): Promise<string | undefined | null> {
    let read = 0;
    const backwards = client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: PENDING_COUNT_LIMIT });
    try {
      for await (const { event } of backwards) {
        read++;
        if (isPlatformEvent(event)) return toOffset(event.position!);
      }
    } finally {
      // Leaving the loop early would leave the server's read open, sending into a paused stream.
      await backwards.cancel().catch(() => undefined);
    }
    return read < PENDING_COUNT_LIMIT ? undefined : null;
  }

  async function readStream(streamId: string, fromPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    return (await read(streamId, BigInt(fromPosition), maxCount)).map(toRecordedEvent);
  }

  async function appendToStream(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    const ids = new Set<string>();
    const firstOccurrences = events.filter((e) => !ids.has(e.eventId) && ids.add(e.eventId));
    for (let attempt = 1; ; attempt++) {
      const stored = await read(streamId, 0n);
      const known = new Map(stored.map((e) => [e.id, toRecordedEvent(e)]));
      const fresh = firstOccurrences.filter((e) => !known.has(e.eventId));
      if (fresh.length === 0) return report(streamId, events, known, new Set());

      const appendId = randomUUID();
      const expectedRevision: AppendExpectedRevision =
        expectedVersion === 'any' ? (stored.at(-1)?.revision ?? NO_STREAM) : expectedVersion === 'no_stream' ? NO_STREAM : BigInt(expectedVersion);
      try {
        const { nextExpectedRevision } = await client.appendToStream(
          streamId,
          fresh.map((e) => toEventData(e, appendId)),
          { expectedRevision },
        );
        // EventStoreDB answers a write of ids it already holds at that revision as a success
        // without writing: the append id in the metadata tells whose write it was.
        const written = await read(streamId, nextExpectedRevision - BigInt(fresh.length) + 1n, fresh.length);
        for (const event of written) known.set(event.id, toRecordedEvent(event));
        return report(streamId, events, known, new Set(written.filter((e) => appendIdOf(e) === appendId).map((e) => e.id)));
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (expectedVersion !== 'any') throw conflict(streamId, expectedVersion, error);
        if (attempt === APPEND_ATTEMPTS) throw error;
      }
    }
  }

  /** One append per stream, in order, each checked against its own expected version. */
  async function appendManyStreams(writes: Parameters<EventLog['appendMany']>[0], expectedVersions: ReadonlyMap<string, ExpectedVersion>) {
    const byStream = new Map<string, NewEvent[]>();
    for (const { streamId, events } of writes) byStream.set(streamId, [...(byStream.get(streamId) ?? []), ...events]);
    const appended = new Map<string, AppendedEvent>();
    for (const [streamId, events] of byStream) {
      const fresh = events.filter((e) => !appended.has(e.eventId));
      for (const event of (await appendToStream(streamId, fresh, expectedVersions.get(streamId) ?? 'any')).events) {
        if (!appended.has(event.eventId)) appended.set(event.eventId, event);
      }
    }
    const reported = new Set<string>();
    return writes.map(({ streamId, events }) => ({
      streamId,
      events: events.map((e) => {
        const at = appended.get(e.eventId)!;
        const duplicate = at.duplicate || reported.has(e.eventId);
        reported.add(e.eventId);
        return { ...at, duplicate };
      }),
    }));
  }

  return {
    capabilities: { expectedVersion: true, atomicAppendMany: false, sharedSubscriptions: false, uniqueEventIds: false },

    append: (streamId, events, { expectedVersion = 'any' } = {}) => answered(appendToStream(streamId, events, expectedVersion)),

    appendMany: (writes, { expectedVersions = new Map() } = {}) => answered(appendManyStreams(writes, expectedVersions)),

    readStream: (streamId, { fromPosition = 0, maxCount = 10_000 } = {}) => answered(readStream(streamId, fromPosition, maxCount)),

    async readStreams(reads, { maxCount = 10_000 } = {}) {
      const streams: RecordedEvent[][] = [];
      for (const { streamId, fromPosition = 0 } of reads) streams.push(await answered(readStream(streamId, fromPosition, maxCount)));
      return streams;
    },

    async subscribe(options) {
      const following = eventStoreDbSubscription(client, options);
      return subscriptions.track(following);
    },

    /** Counted by reading $all ahead of the checkpoint, so only a lag of up to PENDING_COUNT_LIMIT events. */
    pendingAfter: (checkpoint) => answered(countAfter(checkpoint)),

    async ping() {
      await answered(read('cdp_health-ping', 0n, 1));
    },

    async close() {
      await subscriptions.closeAll();
    },
  };
}

/**
 * The operation's answer; the server not answering (or not within the client's deadline), a
 * cluster whose members could not be discovered, or one electing its leader, is
 * EVENT_LOG.UNAVAILABLE, which a retry may get past.
 */
async function answered<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (isUnavailable(error)) throw new EventLogUnavailableError('EventStoreDB', error);
    throw error;
  }
}

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof NotLeaderError ||
    // esdb+discover:// (the client throws a plain Error when no member answers its gossip).
    (error instanceof Error && /^Failed to discover after \d+ attempts\.$/.test(error.message))
  );
}

/** Reports each event where the stream holds it; duplicate unless this append wrote it (and only once). */
function report(
  streamId: string,
  events: readonly NewEvent[],
  stored: ReadonlyMap<string, RecordedEvent>,
  writtenNow: ReadonlySet<string>,
): AppendResult {
  const reported = new Set<string>();
  return {
    streamId,
    events: events.map((e) => {
      const at = stored.get(e.eventId)!;
      const duplicate = !writtenNow.has(e.eventId) || reported.has(e.eventId);
      reported.add(e.eventId);
      return { eventId: e.eventId, streamPosition: at.streamPosition, position: at.position, duplicate };
    }),
  };
}

function conflict(streamId: string, expected: number | 'no_stream', error: WrongExpectedVersionError): ExpectedVersionConflictError {
  const actual = error.actualVersion === NO_STREAM ? 'no_stream' : Number(error.actualVersion);
  return new ExpectedVersionConflictError(streamId, expected, actual);
}
