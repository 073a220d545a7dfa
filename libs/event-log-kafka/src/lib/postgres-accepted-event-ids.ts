import { quoteIdentifier, type SqlClient, type SqlExecutor } from '@cdp/sql';
import type { AcceptedEvent, AcceptedEventIds, ClaimRequest, ClaimResult, ClaimedEvent } from './accepted-event-ids.port';
import { migratePostgresAcceptedEventIds } from './postgres-accepted-event-ids.schema';

export interface PostgresAcceptedEventIdsOptions {
  /** The Postgres schema that holds the tables; default "kafka_event_log". */
  readonly schema?: string;
  /** How long a claim holds its ids before another append may take them over, in ms; default 30 s. */
  readonly leaseMs?: number;
  /** How long ids are remembered by `purgeOlderThan()` without an argument, in ms; default 7 days. */
  readonly retentionMs?: number;
}

interface StoredRow {
  event_id: string;
  stream_id: string;
  stream_position: number;
  kafka_partition: number | null;
  kafka_offset: string | null;
  confirmed: boolean;
  expired: boolean;
}

const PURGE_BATCH = 10_000;
const CLAIM_ATTEMPTS = 5;

/** Thrown inside a claim transaction when another claim took some of the same new ids first. */
class ClaimRaced extends Error {}

/** The accepted-ids index on Postgres (or PGlite). The SqlClient stays its owner's to close. */
export async function createPostgresAcceptedEventIds(
  sql: SqlClient,
  options: PostgresAcceptedEventIdsOptions = {},
): Promise<AcceptedEventIds> {
  const schema = options.schema ?? 'kafka_event_log';
  const leaseMs = options.leaseMs ?? 30_000;
  const retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
  await migratePostgresAcceptedEventIds(sql, schema);
  const s = quoteIdentifier(schema);
  const olderThan = (param: string) => `now() - ${param}::float8 * interval '1 millisecond'`;

  async function claimInTransaction(tx: SqlExecutor, claimId: string, events: readonly ClaimRequest[]): Promise<ClaimResult> {
    const { rows } = await tx.query<StoredRow>(
      `SELECT event_id, stream_id, stream_position, kafka_partition, kafka_offset::text,
              confirmed_at IS NOT NULL AS confirmed, claimed_at < ${olderThan('$2')} AS expired
       FROM ${s}.accepted_event_ids WHERE event_id = ANY($1::text[])`,
      [events.map((e) => e.eventId), leaseMs],
    );
    const stored = new Map(rows.map((r) => [r.event_id, r]));
    const fresh = await claimNew(
      tx,
      claimId,
      events.filter((e) => !stored.has(e.eventId)),
    );
    const takenOver = await takeOver(
      tx,
      claimId,
      rows.filter((r) => !r.confirmed && r.expired).map((r) => r.event_id),
    );
    const claimed = new Set(takenOver.map((e) => e.eventId));
    return {
      claimed: [...fresh, ...takenOver],
      accepted: rows.filter((r) => r.confirmed).map(toAcceptedEvent),
      inFlight: rows.filter((r) => !r.confirmed && !claimed.has(r.event_id)).map((r) => r.event_id),
    };
  }

  /** Gives new ids the next positions of their streams, locking the streams' rows in id order. */
  async function claimNew(tx: SqlExecutor, claimId: string, events: readonly ClaimRequest[]): Promise<ClaimedEvent[]> {
    if (events.length === 0) return [];
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.streamId, (counts.get(e.streamId) ?? 0) + 1);
    const { rows: versions } = await tx.query<{ stream_id: string; version: number }>(
      `INSERT INTO ${s}.stream_versions (stream_id, version)
       SELECT stream_id, n - 1 FROM jsonb_to_recordset($1::jsonb) AS r(stream_id text, n integer) ORDER BY stream_id
       ON CONFLICT (stream_id) DO UPDATE SET version = stream_versions.version + excluded.version + 1
       RETURNING stream_id, version`,
      [JSON.stringify([...counts].map(([stream_id, n]) => ({ stream_id, n })))],
    );
    const next = new Map(versions.map((r) => [r.stream_id, r.version - counts.get(r.stream_id)! + 1]));
    const claimed = events.map((e) => {
      const streamPosition = next.get(e.streamId)!;
      next.set(e.streamId, streamPosition + 1);
      return { eventId: e.eventId, streamId: e.streamId, streamPosition };
    });
    const { rows: inserted } = await tx.query(
      `INSERT INTO ${s}.accepted_event_ids (event_id, stream_id, stream_position, claim_id)
       SELECT event_id, stream_id, stream_position, $2 FROM jsonb_to_recordset($1::jsonb)
         AS r(event_id text, stream_id text, stream_position integer)
       ORDER BY event_id
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [JSON.stringify(claimed.map((c) => ({ event_id: c.eventId, stream_id: c.streamId, stream_position: c.streamPosition }))), claimId],
    );
    if (inserted.length < claimed.length) throw new ClaimRaced();
    return claimed;
  }

  /** Takes over pending ids whose lease has run out; ones another append is taking over are skipped. */
  async function takeOver(tx: SqlExecutor, claimId: string, eventIds: readonly string[]): Promise<ClaimedEvent[]> {
    if (eventIds.length === 0) return [];
    const { rows } = await tx.query<{ event_id: string; stream_id: string; stream_position: number }>(
      `UPDATE ${s}.accepted_event_ids SET claim_id = $2, claimed_at = now()
       WHERE event_id IN (
         SELECT event_id FROM ${s}.accepted_event_ids
         WHERE event_id = ANY($1::text[]) AND confirmed_at IS NULL AND claimed_at < ${olderThan('$3')}
         ORDER BY event_id FOR UPDATE SKIP LOCKED)
       RETURNING event_id, stream_id, stream_position`,
      [eventIds, claimId, leaseMs],
    );
    return rows.map((r) => ({ eventId: r.event_id, streamId: r.stream_id, streamPosition: r.stream_position }));
  }

  return {
    async claim(claimId, events) {
      if (events.length === 0) return { claimed: [], accepted: [], inFlight: [] };
      for (let attempt = 1; ; attempt++) {
        try {
          return await sql.transaction((tx) => claimInTransaction(tx, claimId, events));
        } catch (error) {
          // The retry sees the ids that raced in as claimed by the other append.
          if (!(error instanceof ClaimRaced) || attempt === CLAIM_ATTEMPTS) throw error;
        }
      }
    },

    async confirm(claimId, events) {
      if (events.length === 0) return;
      await sql.query(
        `UPDATE ${s}.accepted_event_ids AS a
         SET kafka_partition = r.kafka_partition, kafka_offset = r.kafka_offset, confirmed_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS r(event_id text, kafka_partition integer, kafka_offset bigint)
         WHERE a.event_id = r.event_id AND a.claim_id = $1 AND a.confirmed_at IS NULL`,
        [claimId, JSON.stringify(events.map((e) => ({ event_id: e.eventId, kafka_partition: e.partition, kafka_offset: e.offset })))],
      );
    },

    async release(claimId, events) {
      if (events.length === 0) return;
      await sql.transaction(async (tx) => {
        const { rows } = await tx.query<{ stream_id: string; stream_position: number }>(
          `DELETE FROM ${s}.accepted_event_ids
           WHERE claim_id = $1 AND confirmed_at IS NULL AND event_id = ANY($2::text[])
           RETURNING stream_id, stream_position`,
          [claimId, events.map((e) => e.eventId)],
        );
        // Hands the positions back when they are still the newest of their stream, so a failed
        // send leaves no gap; otherwise a later append has already claimed past them.
        await tx.query(
          `UPDATE ${s}.stream_versions AS v SET version = r.first - 1
           FROM jsonb_to_recordset($1::jsonb) AS r(stream_id text, first integer, last integer)
           WHERE v.stream_id = r.stream_id AND v.version = r.last`,
          [JSON.stringify(newestRuns(rows))],
        );
      });
    },

    async acceptedInStream(streamId, { fromPosition, maxCount }) {
      const { rows } = await sql.query<StoredRow>(
        `SELECT event_id, stream_id, stream_position, kafka_partition, kafka_offset::text
         FROM ${s}.accepted_event_ids
         WHERE stream_id = $1 AND stream_position >= $2 AND confirmed_at IS NOT NULL
         ORDER BY stream_position LIMIT $3`,
        [streamId, fromPosition, maxCount],
      );
      return rows.map(toAcceptedEvent);
    },

    async purgeOlderThan(ageMs = retentionMs) {
      let purged = 0;
      for (;;) {
        const { rows } = await sql.query(
          `DELETE FROM ${s}.accepted_event_ids WHERE event_id IN (
             SELECT event_id FROM ${s}.accepted_event_ids WHERE claimed_at < ${olderThan('$1')} LIMIT ${PURGE_BATCH})
           RETURNING 1`,
          [ageMs],
        );
        purged += rows.length;
        if (rows.length < PURGE_BATCH) return purged;
      }
    },

    async ping() {
      await sql.query('SELECT 1');
    },
  };
}

/** Per stream, the run of consecutive positions that ends at the highest one released. */
function newestRuns(released: readonly { stream_id: string; stream_position: number }[]) {
  const byStream = new Map<string, number[]>();
  for (const r of released) byStream.set(r.stream_id, [...(byStream.get(r.stream_id) ?? []), r.stream_position]);
  return [...byStream].map(([stream_id, positions]) => {
    const last = Math.max(...positions);
    let first = last;
    while (positions.includes(first - 1)) first--;
    return { stream_id, first, last };
  });
}

function toAcceptedEvent(row: StoredRow): AcceptedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamPosition: row.stream_position,
    partition: row.kafka_partition!,
    offset: row.kafka_offset!,
  };
}
