import type { RecordedEvent } from '@cdp/event-log';
import { sqlLiteral, type ClickHouseClient } from '@cdp/clickhouse';
import type { SchemaCatalog, Touchpoint } from '@cdp/events';
import { channelOf } from '@cdp/profile';
import { RetryBatchLaterError, type ProjectionDefinition } from '@cdp/projections';
import { analyticsRowsOf, type AnalyticsRows } from './analytics-rows';

export const ANALYTICS_PROJECTION = 'analytics';

export interface AnalyticsProjectionOptions {
  readonly catalog: SchemaCatalog;
  readonly clickhouse: ClickHouseClient;
}

/**
 * The ClickHouse sink: every touchpoint into `touchpoints` (and its scalar payload fields into
 * `touchpoint_fields`), purchases and refunds into their own tables, in one INSERT per table per batch. ClickHouse has no transactions, so the runtime's
 * checkpoint (in Postgres) may lag what ClickHouse holds after a crash: each table is asked which
 * of the batch's events it already has, and only the others are inserted. A replay or a
 * redelivery therefore adds nothing twice. (The tables are also ReplacingMergeTree, which would
 * fold a duplicate that slipped in at its next merge.)
 */
export function analyticsProjection(options: AnalyticsProjectionOptions): ProjectionDefinition {
  const { catalog, clickhouse } = options;
  return {
    name: ANALYTICS_PROJECTION,
    schema: ANALYTICS_PROJECTION,
    // Each insert makes a part per monthly partition it touches: fewer, larger inserts while catching up.
    maxBatchSize: 1_000,
    async open() {
      return {
        async apply(_tx, events) {
          const rows = events.filter((e) => catalog.manifest(e.type) !== undefined).map((e) => rowsOf(e));
          if (rows.length === 0) return;
          // Each table is checked for what it holds on its own, so they are written at once. All
          // writes end before the batch fails: a retry must not race a write still under way.
          const written = await Promise.allSettled([
            insertNew(clickhouse, 'purchases', rows.flatMap((r) => (r.purchase ? [r.purchase] : []))),
            insertNew(clickhouse, 'refunds', rows.flatMap((r) => (r.refund ? [r.refund] : []))),
            insertNew(clickhouse, 'touchpoint_fields', rows.flatMap((r) => (r.fields ? [r.fields] : []))),
            insertNew(clickhouse, 'touchpoints', rows.map((r) => r.touchpoint)),
          ]);
          const failed = written.find((outcome) => outcome.status === 'rejected');
          if (failed) {
            const error: unknown = failed.reason;
            throw new RetryBatchLaterError(`the analytics store did not take the batch: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          }
        },
      };
    },
  };

  function rowsOf(event: RecordedEvent): AnalyticsRows {
    const touchpoint = event.data as Touchpoint;
    return analyticsRowsOf(touchpoint, channelOf(touchpoint, catalog.manifest(touchpoint.type)?.channel ?? null));
  }
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

/** Inserts the rows the table does not hold yet; asking by customer key too lets ClickHouse use the table's order. */
async function insertNew(clickhouse: ClickHouseClient, table: string, rows: readonly KeyedRow[]): Promise<void> {
  if (rows.length === 0) return;
  const stored = new Set<string>();
  for (let start = 0; start < rows.length; start += HELD_QUERY_ROWS) {
    const part = rows.slice(start, start + HELD_QUERY_ROWS);
    const keys = [...new Set(part.map((r) => r.customer_key))];
    const held = await clickhouse.query<{ event_id: string }>(
      `SELECT event_id FROM ${table} WHERE customer_key IN ${sqlTuple(keys)} AND event_id IN ${sqlTuple(part.map((r) => r.event_id))}`,
    );
    for (const { event_id } of held) stored.add(event_id);
  }
  const fresh = rows.filter((r) => !stored.has(r.event_id));
  if (fresh.length > 0) await clickhouse.insert(table, fresh as unknown as Record<string, unknown>[]);
}

function sqlTuple(values: readonly string[]): string {
  return `(${values.map(sqlLiteral).join(', ')})`;
}
