import type { ExpectedVersion, StreamWrite } from '@cdp/event-log';
import type { PostgresEventLog } from '@cdp/event-log-postgres';
import { decideCustomerChanges, type CustomerChange, type CustomerFeedView, type DecidedChange } from '@cdp/feed';
import { endIfIdleWhileHoldingLock, JSON_TEXTS_SEPARATOR, jsonTexts, type SqlClient, type SqlExecutor } from '@cdp/sql';
import type { CustomerFeedSources, CustomerReading } from './customer-feed-sources.port';
import { allCustomerFeedPartitions, partitionOf } from './customer-feed-partitions';
import { CUSTOMER_FEED_SCHEMA } from './customer-feed-tables';
import { customerChangeEventId, customerFeedStreamId } from './customer-feed.stream';

export interface CustomerFeedBuilderOptions {
  readonly sql: SqlClient;
  /** The feed's log of changes (CUSTOMER_FEED_LOG_SCHEMA). */
  readonly feedLog: PostgresEventLog;
  readonly sources: CustomerFeedSources;
  readonly now: () => Date;
  /** Customers per transaction; default 500. */
  readonly batchSize?: number;
}

const s = CUSTOMER_FEED_SCHEMA;

interface Mark {
  readonly seq: string;
  readonly customer_id: string;
}

/**
 * One step of the feed: marks the customers due a review, then builds the partitions of customers
 * that have marks (see CUSTOMER_FEED_PARTITIONS). A backlog of at most `batchSize` marks is built in
 * one transaction for all its partitions; a larger one, each partition in its own transaction, side
 * by side. Returns how many customers it looked at (0 when there was nothing to do).
 */
export async function buildCustomerChanges(options: CustomerFeedBuilderOptions): Promise<number> {
  const now = options.now();
  const batchSize = options.batchSize ?? 500;
  const marked = await markDueReviewsAndCountMarks(options.sql, now, batchSize);
  const backlog = marked.reduce((sum, { marks }) => sum + marks, 0);
  const groups = backlog <= batchSize ? [marked.map((p) => p.partition)] : marked.map((p) => [p.partition]);
  const outcomes = await Promise.allSettled(groups.filter((g) => g.length > 0).map((partitions) => buildPartitions(options, partitions, now)));
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.reduce((sum, o) => sum + (o.status === 'fulfilled' ? o.value : 0), 0);
}

/**
 * Takes the partitions' customers read models marked changed, reads what the read models hold for
 * them, decides the typed changes against what was last published, and appends those to the feed's
 * log, all in one transaction. A crash anywhere leaves the marks in place, and the step is done
 * again from the same published versions.
 */
async function buildPartitions(options: CustomerFeedBuilderOptions, partitions: readonly number[], now: Date): Promise<number> {
  const looked = await options.sql.transaction(async (tx) => {
    // One builder per partition at a time, across processes: a customer's versions must not be
    // decided twice. Locks are taken in ascending order, so two builders never wait on each other.
    await endIfIdleWhileHoldingLock(tx);
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('cdp-customer-feed'), partition) FROM unnest($1::int[]) AS partition`, [[...partitions].sort((x, y) => x - y)]);
    const { rows: marks } = await tx.query<Mark>(
      `SELECT seq, customer_id FROM ${s}.changed_customers WHERE ${partitionOf('customer_id')} = ANY($1::int[]) ORDER BY seq LIMIT $2`,
      [partitions, options.batchSize ?? 500],
    );
    if (marks.length === 0) return 0;
    const marked = [...new Set(marks.map((m) => m.customer_id))];
    const published = await publishedOf(tx, marked);
    const readings = await options.sources.read(tx, marked, now);
    const decided = marked.map((id) => ({ id, changes: decideCustomerChanges(id, published.get(id) ?? null, readingOf(readings, id).view, now.toISOString()) }));
    // This check comes before the transaction's first write, so the transaction gets its id (the
    // feed log's order) after the survivors it waited for were committed.
    const waiting = await mergesWaitingForSurvivors(tx, decided.flatMap((d) => d.changes), marks);
    const customerIds = marked.filter((id) => !waiting.has(id));
    const changes = decided.filter((d) => !waiting.has(d.id)).flatMap((d) => d.changes);
    // Merges go last, so a consumer that re-keys a merged customer finds its survivor's new profile already there.
    const isMerge = (change: DecidedChange) => change.type === 'CustomerMerged';
    for (const part of [changes.filter((c) => !isMerge(c)), changes.filter(isMerge)]) {
      if (part.length > 0) await options.feedLog.appendInTransaction(tx, writesOf(part), expectedVersionsOf(part));
    }
    await savePublished(tx, customerIds, published, changes, readings);
    const done = marks.filter((m) => !waiting.has(m.customer_id)).map((m) => m.seq);
    await tx.query(`DELETE FROM ${s}.changed_customers WHERE seq = ANY($1::bigint[])`, [done]);
    return customerIds.length;
  });
  if (looked > 0) options.feedLog.appended();
  return looked;
}

/**
 * Marks the customers whose view changes with time alone when it does, and returns the partitions
 * that have marks waiting, with how many (counted up to `cap`): one statement, so an idle feed
 * costs little.
 */
async function markDueReviewsAndCountMarks(sql: SqlExecutor, now: Date, cap: number): Promise<{ partition: number; marks: number }[]> {
  const { rows } = await sql.query<{ partition: number; marks: number }>(
    `WITH due AS (
       UPDATE ${s}.customers SET review_at = NULL
       WHERE customer_id IN (SELECT customer_id FROM ${s}.customers WHERE review_at <= $1 ORDER BY review_at LIMIT 1000)
       RETURNING customer_id),
     marked AS (INSERT INTO ${s}.changed_customers (customer_id) SELECT customer_id FROM due RETURNING customer_id),
     counted AS (
       SELECT partition,
         (SELECT count(*) FROM (SELECT 1 FROM ${s}.changed_customers WHERE ${partitionOf('customer_id')} = partition LIMIT $3) AS capped)
           + (SELECT count(*) FROM marked WHERE ${partitionOf('customer_id')} = partition) AS marks
       FROM unnest($2::int[]) AS partition)
     SELECT partition, marks::int AS marks FROM counted WHERE marks > 0`,
    [now.toISOString(), allCustomerFeedPartitions(), cap],
  );
  return rows;
}

/**
 * The merged customers whose survivor has an older mark that another step has yet to publish (its
 * partition's builder, or this one's next step): their CustomerMerged waits, marks kept, until the
 * survivor's new profile is in the log before it.
 */
async function mergesWaitingForSurvivors(tx: SqlExecutor, changes: readonly DecidedChange[], marks: readonly Mark[]): Promise<Set<string>> {
  const merges = changes.filter((c) => c.type === 'CustomerMerged');
  if (merges.length === 0) return new Set();
  const { rows } = await tx.query<{ merged: string }>(
    `SELECT m.merged FROM unnest($1::text[], $2::text[]) AS m(merged, survivor)
     WHERE EXISTS (
       SELECT 1 FROM ${s}.changed_customers survivor_mark
       WHERE survivor_mark.customer_id = m.survivor AND survivor_mark.seq <> ALL($3::bigint[])
         AND survivor_mark.seq < (SELECT max(seq) FROM ${s}.changed_customers WHERE customer_id = m.merged))`,
    [merges.map((c) => c.customerId), merges.map((c) => c.mergedInto), marks.map((m) => m.seq)],
  );
  return new Set(rows.map((r) => r.merged));
}

async function publishedOf(tx: SqlExecutor, customerIds: readonly string[]) {
  const { rows } = await tx.query<{ customer_id: string; version: number; view: CustomerFeedView | null }>(
    `SELECT customer_id, version, view FROM ${s}.customers WHERE customer_id = ANY($1::text[])`,
    [customerIds],
  );
  return new Map(rows.map((r) => [r.customer_id, { version: r.version, view: r.view }]));
}

function readingOf(readings: ReadonlyMap<string, CustomerReading>, customerId: string): CustomerReading {
  return readings.get(customerId) ?? { view: null, reviewAt: null };
}

function writesOf(changes: readonly DecidedChange[]): StreamWrite[] {
  const byCustomer = new Map<string, CustomerChange[]>();
  for (const change of changes) {
    const withId: CustomerChange = { eventId: customerChangeEventId(change.customerId, change.version), ...change };
    byCustomer.set(change.customerId, [...(byCustomer.get(change.customerId) ?? []), withId]);
  }
  return [...byCustomer].map(([customerId, events]) => ({
    streamId: customerFeedStreamId(customerId),
    events: events.map((change) => ({ eventId: change.eventId, type: change.type, data: change })),
  }));
}

/** A stream's position is its version less one: a log out of step with `customers` fails loudly. */
function expectedVersionsOf(changes: readonly DecidedChange[]): Map<string, ExpectedVersion> {
  const expected = new Map<string, ExpectedVersion>();
  for (const { customerId, version } of changes) {
    const stream = customerFeedStreamId(customerId);
    if (!expected.has(stream)) expected.set(stream, version === 1 ? 'no_stream' : version - 2);
  }
  return expected;
}

async function savePublished(
  tx: SqlExecutor,
  customerIds: readonly string[],
  published: ReadonlyMap<string, { version: number }>,
  changes: readonly DecidedChange[],
  readings: ReadonlyMap<string, CustomerReading>,
): Promise<void> {
  const versions = new Map(customerIds.map((id) => [id, published.get(id)?.version ?? 0]));
  for (const change of changes) versions.set(change.customerId, change.version);
  const ids = customerIds.filter((id) => versions.get(id)! > 0);
  if (ids.length === 0) return;
  // A customer without a view (forgotten) keeps no view: its JSON null becomes SQL NULL.
  await tx.query(
    `INSERT INTO ${s}.customers (customer_id, version, view, review_at)
     SELECT customer_id, version, nullif(view, 'null')::json, review_at
     FROM unnest($1::text[], $2::integer[], string_to_array($3, $4), $5::timestamptz[]) AS r(customer_id, version, view, review_at)
     ON CONFLICT (customer_id) DO UPDATE SET version = excluded.version, view = excluded.view, review_at = excluded.review_at`,
    [
      ids,
      ids.map((id) => versions.get(id)!),
      jsonTexts(ids.map((id) => readingOf(readings, id).view)),
      JSON_TEXTS_SEPARATOR,
      ids.map((id) => readingOf(readings, id).reviewAt),
    ],
  );
}
