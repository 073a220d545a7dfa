import type { Touchpoint } from '@cdp/events';
import { quoteIdentifier, type SqlExecutor } from '@cdp/sql';

export interface TimelineEntry {
  readonly customerId: string;
  readonly channel: string | null;
  readonly touchpoint: Touchpoint;
}

/**
 * Adds touchpoints to their customers' timelines in one statement. The rows go as one JSON
 * document: sent as column arrays instead, escaping the touchpoints' JSON into array literals
 * costs three times as much.
 */
export async function saveTimeline(db: SqlExecutor, schema: string, entries: readonly TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map(({ customerId, channel, touchpoint }) => ({
    event_id: touchpoint.eventId,
    customer_id: customerId,
    occurred_at: touchpoint.occurredAt,
    type: touchpoint.type,
    channel,
    touchpoint,
  }));
  await db.query(
    `INSERT INTO ${quoteIdentifier(schema)}.touchpoints
     SELECT * FROM json_to_recordset($1::json) AS r(event_id text, customer_id text, occurred_at text, type text, channel text, touchpoint json)`,
    [JSON.stringify(rows)],
  );
}
