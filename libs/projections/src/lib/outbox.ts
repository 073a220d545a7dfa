import type { EventLog, NewEvent } from '@cdp/event-log';
import { quoteIdentifier, type SqlClient, type SqlExecutor } from '@cdp/sql';

/**
 * The table of an outbox in a schema (quoted): events a read model's transaction decided, kept until
 * they are appended to the event store. An identity column, not bigserial: a rebuild's clone
 * (LIKE ... INCLUDING ALL) then gets a sequence of its own.
 */
export const OUTBOX_TABLE = 'outbox';

export function outboxTableDdl(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${schema}.${OUTBOX_TABLE} (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id text NOT NULL,
    event_id text NOT NULL UNIQUE,
    type text NOT NULL,
    data jsonb NOT NULL
  )`;
}

export interface OutboxEntry {
  readonly streamId: string;
  readonly event: NewEvent;
}

/** Records events for the event store in the projection's own transaction. */
export async function addToOutbox(db: SqlExecutor, schema: string, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO ${quoteIdentifier(schema)}.${OUTBOX_TABLE} (stream_id, event_id, type, data)
     SELECT stream_id, event_id, type, data FROM jsonb_to_recordset($1::jsonb) AS r(stream_id text, event_id text, type text, data jsonb)
     ON CONFLICT (event_id) DO NOTHING`,
    [JSON.stringify(entries.map((e) => ({ stream_id: e.streamId, event_id: e.event.eventId, type: e.event.type, data: e.event.data })))],
  );
}

/**
 * Appends what the outbox holds to the event store, then forgets what it appended, and only that
 * (a transaction that commits late holds positions below those already appended: see
 * sendCommandOutbox). Ids are deterministic and
 * the store drops repeats, so a crash between the two steps only repeats an idempotent append.
 */
export async function publishOutbox(sql: SqlClient, schema: string, eventStore: EventLog, eventsPerAppend = 500): Promise<void> {
  const s = quoteIdentifier(schema);
  for (;;) {
    const { rows } = await sql.query<{ position: string; stream_id: string; event_id: string; type: string; data: unknown }>(
      `SELECT * FROM ${s}.${OUTBOX_TABLE} ORDER BY position LIMIT $1`,
      [eventsPerAppend],
    );
    if (rows.length === 0) return;
    await eventStore.appendMany(rows.map((r) => ({ streamId: r.stream_id, events: [{ eventId: r.event_id, type: r.type, data: r.data }] })));
    await sql.query(`DELETE FROM ${s}.${OUTBOX_TABLE} WHERE position = ANY($1::bigint[])`, [rows.map((r) => r.position)]);
  }
}

export const OUTBOX_COUNTED_UP_TO = 100_000;

/**
 * How many entries wait in an outbox table (a projection's `outboxTable`),
 * counted up to OUTBOX_COUNTED_UP_TO, so that a long outbox (an event store away for hours) is not
 * read whole at every scrape; null while the table does not exist yet (its projection has not opened).
 */
export async function outboxLength(sql: SqlClient, schema: string, table = OUTBOX_TABLE): Promise<number | null> {
  const name = `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
  const { rows } = await sql.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [name]);
  if (!rows[0].present) return null;
  const counted = await sql.query<{ pending: string }>(`SELECT count(*) AS pending FROM (SELECT 1 FROM ${name} LIMIT ${OUTBOX_COUNTED_UP_TO}) AS waiting`);
  return Number(counted.rows[0].pending);
}
