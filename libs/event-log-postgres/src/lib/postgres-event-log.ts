import { ExpectedVersionConflictError, openSubscriptions, type AppendResult, type Checkpoint, type EventLog, type ExpectedVersion, type RecordedEvent, type StreamWrite } from '@cdp/event-log';
import { quoteIdentifier, type SqlClient, type SqlExecutor } from '@cdp/sql';
import { logChangeWatcher } from './log-change-watcher';
import { START } from './log-offsets';
import { recentPages } from './recent-pages';
import { pollingSubscription } from './polling-subscription';
import { migratePostgresEventLog } from './postgres-event-log.schema';

export interface PostgresEventLogOptions {
  /** The Postgres schema that holds the tables; default "event_log". */
  readonly schema?: string;
  /**
   * How often, while this process's subscribers are idle, it looks whether the log holds anything
   * new for them (one query for all of them; an append in this process wakes them at once), in
   * ms; default 20.
   */
  readonly pollIntervalMs?: number;
  /**
   * How the data of an event is read back, given its type and the data as it was appended: events
   * of types whose schema has changed since, read as today's schema reads them. Default: as appended.
   */
  readonly upcast?: (type: string, data: unknown) => unknown;
}

/**
 * The Postgres event log, with what only a database log can do: append inside the caller's
 * transaction, so the events commit or roll back with the caller's other writes.
 */
export interface PostgresEventLog extends EventLog {
  /** Appends in `tx`, checking each expected version given; call `appended()` once `tx` has committed. */
  appendInTransaction(tx: SqlExecutor, writes: readonly StreamWrite[], expected?: ReadonlyMap<string, ExpectedVersion>): Promise<AppendResult[]>;
  /** Tells this process's subscribers that a transaction with appends has committed. */
  appended(): void;
  /**
   * Where "from now on" starts: after every event a subscriber reads now. Events of transactions
   * still running come after it, whatever their position, so that none is skipped.
   */
  headCheckpoint(): Promise<Checkpoint>;
}

const PARTITION = 'all';

/** What the subscribers of a log in one process keep of their latest reads, to share: a few of their batches. */
const RECENT_EVENTS = 10_000;

/** An idle subscriber is woken by the log's watcher; it also asks on its own this often, in case the watcher cannot. */
const IDLE_SUBSCRIBER_ASKS_EVERY_MS = 1_000;

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_position: number;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, string>;
  recorded_at: Date | string;
}

interface StoredPosition {
  event_id: string;
  stream_position: number;
  global_position: string;
}

/**
 * The event store on Postgres or PGlite: one global order, per-stream versions and optimistic
 * concurrency. Offsets are "transaction_id:global_position"; see the schema for why.
 */
export async function createPostgresEventLog(sql: SqlClient, options: PostgresEventLogOptions = {}): Promise<PostgresEventLog> {
  const schema = options.schema ?? 'event_log';
  await migratePostgresEventLog(sql, schema);
  const s = quoteIdentifier(schema);
  const watcher = logChangeWatcher(sql, `${s}.events`, options.pollIntervalMs ?? 20);
  const subscriptions = openSubscriptions();
  const recent = recentPages(RECENT_EVENTS);
  const upcast = options.upcast ?? ((_: string, data: unknown) => data);
  const toRecordedEvent = (row: EventRow): RecordedEvent => recordedEvent(row, upcast(row.event_type, row.data));

  async function readAfter(transaction: string, position: string, limit: number): Promise<RecordedEvent[]> {
    // Only transactions older than every running one are final: none can commit behind us.
    const { rows } = await sql.query<EventRow>(
      `SELECT * FROM ${s}.events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY transaction_id, global_position
       LIMIT $3`,
      [transaction, position, limit],
    );
    return rows.map(toRecordedEvent);
  }

  async function appendInTransaction(
    tx: SqlExecutor,
    writes: readonly StreamWrite[],
    expected: ReadonlyMap<string, ExpectedVersion>,
  ): Promise<AppendResult[]> {
    const ids = writes.flatMap((w) => w.events.map((e) => e.eventId));
    const known = await tx.query<StoredPosition>(
      `SELECT event_id, stream_position, global_position FROM ${s}.events WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    const stored = new Map(known.rows.map((r) => [r.event_id, r]));
    const pending = new Set<string>();
    const fresh = groupByStream(writes)
      .map((w) => ({
        streamId: w.streamId,
        events: w.events.filter((e) => !stored.has(e.eventId) && !pending.has(e.eventId) && pending.add(e.eventId)),
      }))
      .filter((w) => w.events.length > 0);

    const firstPositions = await reserveStreamPositions(tx, s, fresh, expected);
    const rows = fresh.flatMap((w) =>
      w.events.map((e, i) => ({
        stream_id: w.streamId,
        stream_position: firstPositions.get(w.streamId)! + i,
        event_id: e.eventId,
        event_type: e.type,
        data: e.data,
        metadata: e.metadata ?? {},
      })),
    );
    if (rows.length > 0) {
      const inserted = await tx.query<StoredPosition>(
        `INSERT INTO ${s}.events (stream_id, stream_position, event_id, event_type, data, metadata)
         SELECT stream_id, stream_position, event_id, event_type, data, metadata
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
           AS (stream_id text, stream_position integer, event_id uuid, event_type text, data jsonb, metadata jsonb))
           WITH ORDINALITY AS r(stream_id, stream_position, event_id, event_type, data, metadata, n)
         ORDER BY n
         RETURNING event_id, stream_position, global_position`,
        [JSON.stringify(rows)],
      );
      for (const row of inserted.rows) stored.set(row.event_id, row);
    }

    const reported = new Set<string>();
    return writes.map((w) => ({
      streamId: w.streamId,
      events: w.events.map((e) => {
        const at = stored.get(e.eventId)!;
        const duplicate = !pending.has(e.eventId) || reported.has(e.eventId);
        reported.add(e.eventId);
        return { eventId: e.eventId, streamPosition: at.stream_position, position: String(at.global_position), duplicate };
      }),
    }));
  }

  const appended = () => watcher.wakeAll();

  async function inTransaction(writes: readonly StreamWrite[], expected: ReadonlyMap<string, ExpectedVersion>) {
    const results = await retryOnceOnDuplicateEventId(() => sql.transaction((tx) => appendInTransaction(tx, writes, expected)));
    appended();
    return results;
  }

  return {
    capabilities: { expectedVersion: true, atomicAppendMany: true, sharedSubscriptions: false, uniqueEventIds: true },

    appendInTransaction: (tx, writes, expected = new Map()) => appendInTransaction(tx, writes, expected),

    appended,

    async headCheckpoint(): Promise<Checkpoint> {
      const { rows } = await sql.query<{ transaction_id: string; global_position: string }>(
        `SELECT transaction_id, global_position FROM ${s}.events
         WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      );
      return rows.length === 0 ? {} : { [PARTITION]: `${rows[0].transaction_id}:${rows[0].global_position}` };
    },

    async append(streamId, events, { expectedVersion = 'any' } = {}) {
      const [result] = await inTransaction([{ streamId, events }], new Map([[streamId, expectedVersion]]));
      return result;
    },

    appendMany: (writes, { expectedVersions = new Map() } = {}) => inTransaction(writes, expectedVersions),

    async readStream(streamId, { fromPosition = 0, maxCount = 10_000 } = {}) {
      const { rows } = await sql.query<EventRow>(
        `SELECT * FROM ${s}.events WHERE stream_id = $1 AND stream_position >= $2 ORDER BY stream_position LIMIT $3`,
        [streamId, fromPosition, maxCount],
      );
      return rows.map(toRecordedEvent);
    },

    async readStreams(reads, { maxCount = 10_000 } = {}) {
      const { rows } = await sql.query<EventRow & { read: string }>(
        `SELECT e.*, r.read FROM unnest($1::text[], $2::integer[]) WITH ORDINALITY AS r(stream_id, from_position, read)
         CROSS JOIN LATERAL (
           SELECT * FROM ${s}.events
           WHERE stream_id = r.stream_id AND stream_position >= r.from_position
           ORDER BY stream_position LIMIT $3
         ) e
         ORDER BY r.read, e.stream_position`,
        [reads.map((r) => r.streamId), reads.map((r) => r.fromPosition ?? 0), maxCount],
      );
      const streams = reads.map((): RecordedEvent[] => []);
      for (const row of rows) streams[Number(row.read) - 1].push(toRecordedEvent(row));
      return streams;
    },

    async subscribe(subscription) {
      let [transaction, position] = (subscription.from[PARTITION] ?? START).split(':');
      const following = pollingSubscription(subscription, {
        partition: PARTITION,
        pollIntervalMs: IDLE_SUBSCRIBER_ASKS_EVERY_MS,
        onWake: (wake) => watcher.listen(wake),
        readNext: (limit) =>
          // A lone subscriber has no one to share with: keeping its reads would only hold memory.
          recent.read(`${transaction}:${position}`, limit, () => readAfter(transaction, position, limit), subscriptions.count() > 1),
        advance(last) {
          [transaction, position] = last.offset.split(':');
        },
      });
      return subscriptions.track(following);
    },

    async pendingAfter(checkpoint) {
      const [transaction, position] = (checkpoint[PARTITION] ?? START).split(':');
      const { rows } = await sql.query<{ pending: string }>(
        `SELECT count(*) AS pending FROM ${s}.events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`,
        [transaction, position],
      );
      return Number(rows[0].pending);
    },

    async ping() {
      await sql.query('SELECT 1');
    },

    /** Stops the subscriptions; the SqlClient belongs to whoever passed it in. */
    async close() {
      await subscriptions.closeAll();
    },
  };
}

/**
 * One write per stream, each stream where it is first named: the log keeps that order, so that an
 * event written because of another stream's (an account absorbed after it closed) comes after it.
 */
function groupByStream(writes: readonly StreamWrite[]): StreamWrite[] {
  const byStream = new Map<string, StreamWrite['events'][number][]>();
  for (const w of writes) {
    const events = byStream.get(w.streamId);
    if (events) events.push(...w.events);
    else byStream.set(w.streamId, [...w.events]);
  }
  return [...byStream].map(([streamId, events]) => ({ streamId, events }));
}

/** Bumps every stream's version in one statement and returns each stream's first new position. */
async function reserveStreamPositions(
  tx: SqlExecutor,
  s: string,
  writes: readonly StreamWrite[],
  expected: ReadonlyMap<string, ExpectedVersion>,
): Promise<Map<string, number>> {
  if (writes.length === 0) return new Map();
  const counts = writes.map((w) => ({ stream_id: w.streamId, last: w.events.length - 1 }));
  const { rows } = await tx.query<{ stream_id: string; version: number }>(
    `INSERT INTO ${s}.streams (stream_id, version)
     SELECT stream_id, last FROM json_to_recordset($1::json) AS r(stream_id text, last integer) ORDER BY stream_id
     ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + excluded.version + 1
     RETURNING stream_id, version`,
    [JSON.stringify(counts)],
  );
  const countOf = new Map(writes.map((w) => [w.streamId, w.events.length]));
  const firstPositions = new Map(rows.map((r) => [r.stream_id, r.version - countOf.get(r.stream_id)! + 1]));
  for (const [streamId, version] of expected) {
    const first = firstPositions.get(streamId);
    if (first === undefined || version === 'any') continue;
    const wanted = version === 'no_stream' ? 0 : version + 1;
    if (first !== wanted) throw new ExpectedVersionConflictError(streamId, version, first === 0 ? 'no_stream' : first - 1);
  }
  return firstPositions;
}

async function retryOnceOnDuplicateEventId<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    // Two appends of one new event id raced; on the retry the loser sees it as a duplicate.
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23505' && constraint?.endsWith('event_id_key')) return attempt();
    throw error;
  }
}

function recordedEvent(row: EventRow, data: unknown): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.event_type,
    data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamPosition: row.stream_position,
    position: String(row.global_position),
    partition: PARTITION,
    offset: `${row.transaction_id}:${row.global_position}`,
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}
