import { quoteIdentifier, type SqlClient } from '@cdp/sql';
import type { AcceptedEvent, AcceptedEventIds, ClaimResult } from './accepted-event-ids.port';
import { migratePostgresAcceptedEventIds } from './postgres-accepted-event-ids.schema';

export interface PostgresAcceptedEventIdsOptions {
  /** The Postgres schema that holds the tables; default "kafka_event_log". */
  readonly schema?: string;
  /** How long a claim holds its ids before another append may take them over, in ms; default 30 s. */
  readonly leaseMs?: number;
  /** How long ids are remembered by `purgeOlderThan()` without an argument, in ms; default 7 days. */
  readonly retentionMs?: number;
}

interface IndexRow {
  event_id: string;
  stream_id: string;
  stream_position: number;
  kafka_partition: number | null;
  kafka_offset: string | null;
}

interface ClaimRow extends IndexRow {
  state: 'claimed' | 'accepted' | 'in_flight';
}

const PURGE_BATCH = 10_000;
const NEWEST_CHECKED = 1_000;
const CLAIM_ATTEMPTS = 5;

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

  /**
   * One statement, so one round trip: reads what the index holds of the ids, takes over the pending
   * ones whose lease ran out, and gives the new ones the next positions of their streams (locking
   * the streams' rows in the order of their ids). Two claims of one new id race on its primary key: the loser's
   * statement fails whole, stream positions included, and is run again.
   */
  const claimStatement = `
    WITH stored AS (
      SELECT event_id, stream_id, stream_position, kafka_partition, kafka_offset, confirmed_at IS NOT NULL AS confirmed
      FROM ${s}.accepted_event_ids WHERE event_id = ANY($2::text[])
    ), taken AS (
      UPDATE ${s}.accepted_event_ids SET claim_id = $1, claimed_at = now()
      WHERE event_id IN (
        SELECT event_id FROM ${s}.accepted_event_ids
        WHERE event_id = ANY($2::text[]) AND confirmed_at IS NULL AND claimed_at < ${olderThan('$4')}
        ORDER BY event_id FOR UPDATE SKIP LOCKED)
      RETURNING event_id
    ), fresh AS (
      SELECT r.event_id, r.stream_id,
             count(*) OVER (PARTITION BY r.stream_id) AS n,
             row_number() OVER (PARTITION BY r.stream_id ORDER BY r.nth) AS nth
      FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS r(event_id, stream_id, nth)
      WHERE NOT EXISTS (SELECT FROM stored WHERE stored.event_id = r.event_id)
    ), versions AS (
      INSERT INTO ${s}.stream_versions AS v (stream_id, version)
      SELECT stream_id, count(*) - 1 FROM fresh GROUP BY stream_id ORDER BY stream_id
      ON CONFLICT (stream_id) DO UPDATE SET version = v.version + excluded.version + 1
      RETURNING v.stream_id, v.version
    ), inserted AS (
      INSERT INTO ${s}.accepted_event_ids (event_id, stream_id, stream_position, claim_id)
      SELECT f.event_id, f.stream_id, v.version - f.n + f.nth, $1 FROM fresh f JOIN versions v USING (stream_id)
      ORDER BY f.event_id
      RETURNING event_id, stream_id, stream_position
    )
    SELECT event_id, stream_id, stream_position, NULL::integer AS kafka_partition, NULL::text AS kafka_offset, 'claimed' AS state FROM inserted
    UNION ALL
    SELECT st.event_id, st.stream_id, st.stream_position, st.kafka_partition, st.kafka_offset::text,
           CASE WHEN t.event_id IS NOT NULL THEN 'claimed' WHEN st.confirmed THEN 'accepted' ELSE 'in_flight' END
    FROM stored st LEFT JOIN taken t USING (event_id)
    ORDER BY stream_position`;

  return {
    async claim(claimId, events) {
      if (events.length === 0) return { claimed: [], accepted: [], inFlight: [] };
      const params = [claimId, events.map((e) => e.eventId), events.map((e) => e.streamId), leaseMs];
      for (let attempt = 1; ; attempt++) {
        try {
          return toClaimResult((await sql.query<ClaimRow>(claimStatement, params)).rows);
        } catch (error) {
          // The retry sees the ids that raced in as claimed by the other append.
          if (!isNewIdRace(error) || attempt === CLAIM_ATTEMPTS) throw error;
        }
      }
    },

    async confirm(claimId, events) {
      if (events.length === 0) return;
      // The claim id rides along as a column: as a constant filter the planner would expect one
      // pending row of it, and rescan the ids once per row of the table it picked.
      await sql.query(
        `UPDATE ${s}.accepted_event_ids AS a
         SET kafka_partition = r.kafka_partition, kafka_offset = r.kafka_offset, confirmed_at = now()
         FROM unnest($2::text[], $3::integer[], $4::bigint[], array_fill($1::uuid, ARRAY[cardinality($2::text[])]))
           AS r(event_id, kafka_partition, kafka_offset, claim_id)
         WHERE a.event_id = r.event_id AND a.claim_id = r.claim_id`,
        [claimId, events.map((e) => e.eventId), events.map((e) => e.partition), events.map((e) => e.offset)],
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
           FROM json_to_recordset($1::json) AS r(stream_id text, first integer, last integer)
           WHERE v.stream_id = r.stream_id AND v.version = r.last`,
          [JSON.stringify(newestRuns(rows))],
        );
      });
    },

    async acceptedInStream(streamId, { fromPosition, maxCount }) {
      const { rows } = await sql.query<IndexRow>(
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

    async forgetIfTopicLost(category, readEnds) {
      // Only ids confirmed before the ends were read count: one confirmed since, by another process
      // appending meanwhile, may lie at or past an end read a moment before.
      const [{ since }] = (await sql.query<{ since: string }>(`SELECT now()::text AS since`)).rows;
      const ends = await readEnds();
      const prefix = `${category}-`;
      // The newest ids hold the highest offsets: a topic made anew ends before them. Through the
      // index by age, so that the check costs the same whatever the index holds.
      const { rows } = await sql.query<{ forgotten: number }>(
        `WITH newest AS (
           SELECT kafka_partition, kafka_offset FROM ${s}.accepted_event_ids
           WHERE confirmed_at < $3::timestamptz AND left(stream_id, length($4)) = $4
           ORDER BY claimed_at DESC LIMIT ${NEWEST_CHECKED}
         ), lost AS (
           SELECT 1 FROM newest n LEFT JOIN unnest($1::integer[], $2::bigint[]) AS e(kafka_partition, end_offset) USING (kafka_partition)
           WHERE e.end_offset IS NULL OR n.kafka_offset >= e.end_offset LIMIT 1
         ), forgotten AS (
           DELETE FROM ${s}.accepted_event_ids
           WHERE confirmed_at < $3::timestamptz AND left(stream_id, length($4)) = $4 AND EXISTS (SELECT FROM lost)
           RETURNING 1
         )
         SELECT count(*)::integer AS forgotten FROM forgotten`,
        [[...ends.keys()], [...ends.values()], since, prefix],
      );
      return rows[0].forgotten;
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

function toClaimResult(rows: readonly ClaimRow[]): ClaimResult {
  return {
    claimed: rows.filter((r) => r.state === 'claimed').map((r) => ({ eventId: r.event_id, streamId: r.stream_id, streamPosition: r.stream_position })),
    accepted: rows.filter((r) => r.state === 'accepted').map(toAcceptedEvent),
    inFlight: rows.filter((r) => r.state === 'in_flight').map((r) => r.event_id),
  };
}

/** Another claim inserted one of the same new ids first (the index's primary key). */
function isNewIdRace(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'accepted_event_ids_pkey';
}

function toAcceptedEvent(row: IndexRow): AcceptedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamPosition: row.stream_position,
    partition: row.kafka_partition!,
    offset: row.kafka_offset!,
  };
}
