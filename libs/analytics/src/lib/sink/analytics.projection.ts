import type { RecordedEvent } from '@cdp/event-log';
import { sqlLiteral, type ClickHouseClient } from '@cdp/clickhouse';
import type { SchemaCatalog, Touchpoint } from '@cdp/events';
import { channelOf } from '@cdp/profile';
import { RetryBatchLaterError, type ProjectionDefinition } from '@cdp/projections';
import { analyticsRowsOf, type AnalyticsRows } from './analytics-rows';
import { openSunkEvents } from './sunk-events';

export const ANALYTICS_PROJECTION = 'analytics';

/**
 * How long the sink's batches may wait to grow once it has caught up. ClickHouse makes a part per
 * insert and partition, and merges them in the background: an insert a second costs it far less
 * than one per batch of a few events, and analytics a second behind lose nothing.
 */
const ANALYTICS_LINGER_MS = 1_000;

export interface AnalyticsProjectionOptions {
  readonly catalog: SchemaCatalog;
  readonly clickhouse: ClickHouseClient;
  /**
   * The log may hold an event twice (Kafka): the sink then keeps the ids it wrote in Postgres and
   * drops a second copy (see SunkEvents). The Postgres log appends in transactions, and holds none.
   */
  readonly logMayHoldCopies?: boolean;
}

/**
 * The ClickHouse sink: every touchpoint into `touchpoints` (and its scalar payload fields into
 * `touchpoint_fields`), purchases, refunds, and what touchpoints said about consent and the dates
 * that matter to the customer into their own tables, in one INSERT per table per batch. ClickHouse has no transactions, so the runtime's checkpoint (in Postgres) may lag what
 * ClickHouse holds: by a batch after a crash, by any number after Postgres is restored from a
 * backup. Where that may be so, each table is asked which of the batch's events it already has and
 * only the others are inserted, so a replay or a redelivery adds nothing twice: in every batch of a
 * rebuild, and in the partitions of a batch the runtime marks resumed (the first after a start or a
 * reassignment, a retry) until a batch of theirs of which ClickHouse held nothing. The sink writes
 * each partition in log order, so ClickHouse holds nothing past that batch, and the batches that follow
 * go in without the question, whose cost grows with the table (it reads the key column of every
 * part the batch's keys fall in). A second copy of an event that a Kafka log holds further on is
 * dropped by the ids the sink keeps in Postgres (`logMayHoldCopies`). (The tables are also
 * ReplacingMergeTree, which would fold a duplicate that slipped in at its next merge.)
 */
export function analyticsProjection(options: AnalyticsProjectionOptions): ProjectionDefinition {
  const { catalog, clickhouse } = options;
  return {
    name: ANALYTICS_PROJECTION,
    schema: ANALYTICS_PROJECTION,
    lingerMs: ANALYTICS_LINGER_MS,
    async open(sql, schema) {
      // A rebuild replays the log into the tables the live sink has filled, and races it.
      const rebuilding = schema !== ANALYTICS_PROJECTION;
      // Partitions whose next events ClickHouse is known not to hold yet.
      const pastHeld = new Set<string>();
      const sunk = options.logMayHoldCopies ? await openSunkEvents(sql, schema) : undefined;
      return {
        async apply(tx, events, { resumed }) {
          const partitions = new Set(events.map((e) => e.partition));
          if (resumed) for (const partition of partitions) pastHeld.delete(partition);
          const checked = rebuilding || [...partitions].some((partition) => !pastHeld.has(partition));
          const touchpoints = firstCopies(events.filter((e) => catalog.manifest(e.type) !== undefined));
          // A batch checked against ClickHouse finds a second copy there too.
          const written = sunk && !checked ? await sunk.written(tx, touchpoints.map((e) => e.eventId)) : new Set<string>();
          const sinking = touchpoints.filter((e) => !written.has(e.eventId));
          const rows = sinking.map((e) => rowsOf(e));
          if (rows.length === 0) return;
          const insert = checked ? insertNew : insertAll;
          // Each table is checked for what it holds on its own, so they are written at once. All
          // writes end before the batch fails: a retry must not race a write still under way.
          const inserted = await Promise.allSettled([
            insert(clickhouse, 'purchases', rows.flatMap((r) => (r.purchase ? [r.purchase] : []))),
            insert(clickhouse, 'refunds', rows.flatMap((r) => (r.refund ? [r.refund] : []))),
            insert(clickhouse, 'touchpoint_fields', rows.flatMap((r) => (r.fields ? [r.fields] : []))),
            insert(clickhouse, 'touchpoints', rows.map((r) => r.touchpoint)),
            // A touchpoint's consent (or date) rows go in one insert: held or not, they are held together.
            insert(clickhouse, 'consents', rows.flatMap((r) => r.consents)),
            insert(clickhouse, 'important_dates', rows.flatMap((r) => r.importantDates)),
          ]);
          const failed = inserted.find((outcome) => outcome.status === 'rejected');
          if (failed) {
            const error: unknown = failed.reason;
            throw new RetryBatchLaterError(`the analytics store did not take the batch: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          }
          const held = inserted.reduce((sum, outcome) => sum + (outcome.status === 'fulfilled' ? outcome.value : 0), 0);
          if (checked && !rebuilding && held === 0) for (const partition of partitions) pastHeld.add(partition);
          await sunk?.record(tx, sinking);
        },
        afterCommit: sunk ? () => sunk.purge() : undefined,
      };
    },
  };

  function rowsOf(event: RecordedEvent): AnalyticsRows {
    const touchpoint = event.data as Touchpoint;
    return analyticsRowsOf(touchpoint, channelOf(touchpoint, catalog.manifest(touchpoint.type)?.channel ?? null));
  }
}

/** The events with the first copy of each id: a batch may hold an event and its second copy. */
function firstCopies(events: readonly RecordedEvent[]): RecordedEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.eventId) && seen.add(event.eventId));
}

interface KeyedRow {
  readonly event_id: string;
  readonly customer_key: string;
}

/**
 * Rows asked about in one query: their ids and keys as literals stay far below ClickHouse's
 * max_query_size (256 KiB), which a rebuild's batches of 5,000 went over.
 */
const HELD_QUERY_ROWS = 1_000;

/**
 * Inserts the rows the table does not hold yet, and tells how many it held; asking by customer key
 * too lets ClickHouse use the table's order.
 */
async function insertNew(clickhouse: ClickHouseClient, table: string, rows: readonly KeyedRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const stored = new Set<string>();
  for (let start = 0; start < rows.length; start += HELD_QUERY_ROWS) {
    const part = rows.slice(start, start + HELD_QUERY_ROWS);
    const keys = [...new Set(part.map((r) => r.customer_key))];
    const held = await clickhouse.query<{ event_id: string }>(
      `SELECT event_id FROM ${table} WHERE customer_key IN ${sqlTuple(keys)} AND event_id IN ${sqlTuple(part.map((r) => r.event_id))}`,
    );
    for (const { event_id } of held) stored.add(event_id);
  }
  await insertAll(clickhouse, table, rows.filter((r) => !stored.has(r.event_id)));
  return stored.size;
}

async function insertAll(clickhouse: ClickHouseClient, table: string, rows: readonly KeyedRow[]): Promise<number> {
  if (rows.length > 0) await clickhouse.insert(table, rows as unknown as Record<string, unknown>[]);
  return 0;
}

function sqlTuple(values: readonly string[]): string {
  return `(${values.map(sqlLiteral).join(', ')})`;
}
