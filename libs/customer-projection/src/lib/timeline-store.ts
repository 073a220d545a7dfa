import type { Touchpoint } from '@cdp/events';
import { JSON_TEXTS_SEPARATOR, jsonTexts, quoteIdentifier, rowsWithJsonTexts, type SqlExecutor } from '@cdp/sql';
import { YIELD_EVERY, yieldToEventLoop } from './event-loop-turns';

export interface TimelineEntry {
  readonly customerId: string;
  readonly channel: string | null;
  readonly touchpoint: Touchpoint;
}

/** Timeline entries as the parameters of their insert (rowsWithJsonTexts), ready to send. */
export interface TimelineRows {
  readonly count: number;
  readonly parameters: readonly [rows: string, touchpoints: string, separator: string];
}

/**
 * The parameters of saveTimeline. The short columns go as one JSON document, the touchpoints as
 * their JSON texts apart (jsonTexts), paired back by position: inside the document, Postgres parsed
 * each touchpoint twice, which took about a third more of its time. Serialising a batch's
 * touchpoints takes a while, so it gives the event loop turns: the statements queued before it go on.
 */
export async function timelineRows(entries: readonly TimelineEntry[]): Promise<TimelineRows> {
  const rows = entries.map(({ customerId, channel, touchpoint }) => ({
    event_id: touchpoint.eventId,
    customer_id: customerId,
    occurred_at: touchpoint.occurredAt,
    type: touchpoint.type,
    channel,
  }));
  const touchpoints: string[] = [];
  for (let start = 0; start < entries.length; start += YIELD_EVERY) {
    if (start > 0) await yieldToEventLoop();
    touchpoints.push(jsonTexts(entries.slice(start, start + YIELD_EVERY).map((e) => e.touchpoint)));
  }
  return { count: entries.length, parameters: [JSON.stringify(rows), touchpoints.join(JSON_TEXTS_SEPARATOR), JSON_TEXTS_SEPARATOR] };
}

/** Adds touchpoints to their customers' timelines in one statement. */
export async function saveTimeline(db: SqlExecutor, schema: string, timeline: TimelineRows): Promise<void> {
  if (timeline.count === 0) return;
  await db.query(
    `INSERT INTO ${quoteIdentifier(schema)}.touchpoints (event_id, customer_id, occurred_at, type, channel, touchpoint)
     SELECT r.event_id, r.customer_id, r.occurred_at, r.type, r.channel, d.touchpoint::json
     FROM ${rowsWithJsonTexts(1, 'event_id text, customer_id text, occurred_at text, type text, channel text', 'touchpoint')}`,
    [...timeline.parameters],
  );
}
