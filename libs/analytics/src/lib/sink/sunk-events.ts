import type { RecordedEvent } from '@cdp/event-log';
import { migrateSchema, quoteIdentifier, type SqlClient, type SqlExecutor } from '@cdp/sql';

/**
 * How long the sink remembers the events it wrote, from when the log took them: as long as the
 * Kafka log's accepted-ids index remembers an event id (7 days by default). A second copy of an
 * event comes from a retried append after a writer died; once the index has forgotten the id, a
 * retry appends a new event anyway.
 */
const REMEMBER_MS = 7 * 24 * 3_600_000;
const PURGE_EVERY_MS = 3_600_000;
const PURGE_BATCH = 10_000;
const PURGE_DELETES_PER_TURN = 5;

/**
 * The ids of the events the sink wrote to ClickHouse, kept in Postgres with its checkpoint, for a
 * log that may hold an event twice: Kafka keeps a second copy when a writer died after the broker
 * took a send it had not confirmed, and a retry sent it again, later in the same partition. Asking
 * ClickHouse instead costs a read of the key column of every part the batch's keys fall in.
 */
export interface SunkEvents {
  /** The ids among these that an earlier batch wrote. */
  written(tx: SqlExecutor, eventIds: readonly string[]): Promise<Set<string>>;
  /** Records these events as written, in the batch's transaction: those the log took in the last 7 days. */
  record(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void>;
  /** Forgets, a bounded delete at a time outside any batch, what is older than that; after a start, then at most once an hour. */
  purge(): Promise<void>;
}

export async function openSunkEvents(sql: SqlClient, schema: string): Promise<SunkEvents> {
  await migrateSchema(sql, schema, (s) => [
    `CREATE TABLE IF NOT EXISTS ${s}.sunk_events (event_id text PRIMARY KEY, sunk_at timestamptz NOT NULL DEFAULT now())`,
    // Rows come nearly in time order: a BRIN index finds the old ones for next to nothing per insert.
    `CREATE INDEX IF NOT EXISTS sunk_events_by_age ON ${s}.sunk_events USING brin (sunk_at)`,
  ]);
  const table = `${quoteIdentifier(schema)}.sunk_events`;
  // The first batch after a start purges: a process restarted more often than hourly would never purge otherwise.
  let purgedAt = 0;
  return {
    async written(tx, eventIds) {
      if (eventIds.length === 0) return new Set();
      const { rows } = await tx.query<{ event_id: string }>(`SELECT event_id FROM ${table} WHERE event_id = ANY($1::text[])`, [eventIds]);
      return new Set(rows.map((r) => r.event_id));
    },
    async record(tx, events) {
      const recent = events.filter((e) => Date.now() - Date.parse(e.recordedAt) < REMEMBER_MS);
      if (recent.length === 0) return;
      await tx.query(`INSERT INTO ${table} (event_id, sunk_at) SELECT * FROM unnest($1::text[], $2::timestamptz[]) ON CONFLICT DO NOTHING`, [
        recent.map((e) => e.eventId),
        recent.map((e) => e.recordedAt),
      ]);
    },
    async purge() {
      if (Date.now() - purgedAt < PURGE_EVERY_MS) return;
      // The batches wait for this: a backlog (never purged before) goes a few deletes at a time, one turn per batch.
      for (let deletes = 0; deletes < PURGE_DELETES_PER_TURN; deletes++) {
        const { rows } = await sql.query(
          `DELETE FROM ${table} WHERE event_id IN (SELECT event_id FROM ${table} WHERE sunk_at < now() - $1::float8 * interval '1 millisecond' LIMIT ${PURGE_BATCH}) RETURNING 1`,
          [REMEMBER_MS],
        );
        // Done once nothing is left: a delete that took fewer may have waited for another process's.
        if (rows.length === 0) {
          purgedAt = Date.now();
          return;
        }
      }
    },
  };
}
