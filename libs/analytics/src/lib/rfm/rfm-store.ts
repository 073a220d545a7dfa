import { markCustomersChanged, migrateCustomerFeedTables } from '@cdp/customer-feed';
import { addToOutbox, outboxTableDdl, type OutboxEntry } from '@cdp/projections';
import { migrateSchema, type SqlClient, type SqlExecutor } from '@cdp/sql';
import { becomesCurrent, type RfmWindowDays } from '@cdp/rfm';

/** A customer's scores of the latest run, as Postgres keeps them for the API and downstream services. */
export interface CurrentRfm {
  readonly customerId: string;
  readonly recencyDays: number;
  readonly frequency: number;
  readonly monetary: string;
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly segment: string;
  readonly asOf: string;
  readonly windowDays: RfmWindowDays;
  readonly runId: string;
}

export interface RfmRunRecord {
  readonly runId: string;
  readonly asOf: string;
  readonly windowDays: RfmWindowDays;
  readonly currency: string;
  readonly customers: number;
  readonly requestedAt: string;
  readonly finishedAt: string;
}

/**
 * A run as its requester gets it: `current` when its scores became the current ones; a run as of
 * an instant before the current scores' is a what-if, kept in ClickHouse's rfm_snapshots only (not
 * in rfm_runs), answered with its `segments` (customers per segment), and changes no current score.
 */
export type RfmRunOutcome = (RfmRunRecord & { readonly current: true }) | (RfmRunRecord & { readonly current: false; readonly segments: Readonly<Record<string, number>> });

const ROWS_PER_STATEMENT = 10_000;

export async function migrateRfmTables(sql: SqlClient): Promise<void> {
  await migrateSchema(sql, 'rfm', (s) => [
    `CREATE TABLE IF NOT EXISTS ${s}.runs (
      run_id text PRIMARY KEY, as_of timestamptz NOT NULL, window_days integer, currency text NOT NULL,
      customers bigint NOT NULL, requested_at timestamptz NOT NULL, finished_at timestamptz NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.current_scores (
      customer_id text PRIMARY KEY, recency_days integer NOT NULL, frequency bigint NOT NULL, monetary numeric NOT NULL,
      r smallint NOT NULL, f smallint NOT NULL, m smallint NOT NULL, segment text NOT NULL, run_id text NOT NULL)`,
    // A run reads the previous scores in ranges of ids ordered as ClickHouse orders them: byte by byte.
    `CREATE INDEX IF NOT EXISTS current_scores_in_byte_order ON ${s}.current_scores (customer_id COLLATE "C")`,
    // The segment changes a run decided, written with its scores and appended to the event store after.
    outboxTableDdl(s),
  ]);
  await migrateCustomerFeedTables(sql);
}

/** A run's scores of one customer, as current_scores keeps them. */
export type RunScores = Omit<CurrentRfm, 'asOf' | 'windowDays' | 'runId'>;

/**
 * The segments the previous run gave the customers whose ids sort after `after` (from the first
 * when null) and up to `upTo` (to the last when null), comparing ids byte by byte.
 */
async function previousSegmentsBetween(tx: SqlExecutor, after: string | null, upTo: string | null): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ customer_id: string; segment: string }>(
    `SELECT customer_id, segment FROM previous_scores
     WHERE ($1::text IS NULL OR customer_id COLLATE "C" > $1) AND ($2::text IS NULL OR customer_id COLLATE "C" <= $2)`,
    [after, upTo],
  );
  return new Map(rows.map((r) => [r.customer_id, r.segment]));
}

/** A range of a run's customers, in byte order of their ids: after `after` (null: from the first) up to `upTo` (null: to the last). */
export interface ScoresRange<Scores extends RunScores = RunScores> {
  readonly scores: readonly Scores[];
  readonly after: string | null;
  readonly upTo: string | null;
}

/**
 * Replaces the current scores with a run's and records the run, in one transaction, while `fill`
 * writes the scores a range of customers at a time: readers see the previous run until the commit.
 * The segment changes `decide` finds against the previous scores of each range go to the outbox in
 * the same transaction (publish them after: publishOutbox(sql, 'rfm', ...)), so a run that dies
 * leaves either its scores and its changes, or neither. Customers whose scores or segment moved are
 * marked changed for the feed. `fill` must not use `sql` itself: PGlite has one connection, which
 * the transaction holds.
 *
 * Runs save one at a time across processes (two at once interleaved their scores, or failed on
 * each other's rows), and a run saves only while it still becomes current: undefined, with nothing
 * written, when a run as of later than it became current while it scored.
 */
export async function saveRun<Scores extends RunScores>(
  sql: SqlClient,
  run: Omit<RfmRunRecord, 'finishedAt'>,
  decide: (range: ScoresRange<Scores>, previous: ReadonlyMap<string, string>) => readonly OutboxEntry[],
  now: () => Date,
  fill: (write: (range: ScoresRange<Scores>) => Promise<void>) => Promise<void>,
): Promise<RfmRunRecord | undefined> {
  return sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('cdp-rfm-save'))`);
    if (!becomesCurrent(run.asOf, (await latestRun(tx))?.asOf)) return undefined;
    await tx.query(`CREATE TEMP TABLE previous_scores ON COMMIT DROP AS SELECT customer_id, r, f, m, segment FROM rfm.current_scores`);
    await tx.query(`CREATE INDEX ON previous_scores (customer_id COLLATE "C")`);
    await tx.query(`DELETE FROM rfm.current_scores`);
    await fill(async (range) => {
      await addToOutbox(tx, 'rfm', decide(range, await previousSegmentsBetween(tx, range.after, range.upTo)));
      const { scores } = range;
      for (let start = 0; start < scores.length; start += ROWS_PER_STATEMENT) {
        const rows = scores.slice(start, start + ROWS_PER_STATEMENT).map((s) => ({ ...s, run_id: run.runId }));
        await tx.query(
          `INSERT INTO rfm.current_scores (customer_id, recency_days, frequency, monetary, r, f, m, segment, run_id)
           SELECT "customerId", "recencyDays", frequency, monetary::numeric, r, f, m, segment, run_id
           FROM json_to_recordset($1::json) AS x("customerId" text, "recencyDays" integer, frequency bigint, monetary text, r smallint, f smallint, m smallint, segment text, run_id text)`,
          [JSON.stringify(rows)],
        );
      }
    });
    const finished: RfmRunRecord = { ...run, finishedAt: now().toISOString() };
    await tx.query(
      `INSERT INTO rfm.runs (run_id, as_of, window_days, currency, customers, requested_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [run.runId, run.asOf, run.windowDays === 'all' ? null : run.windowDays, run.currency, run.customers, run.requestedAt, finished.finishedAt],
    );
    const { rows: moved } = await tx.query<{ customer_id: string }>(
      `SELECT customer_id FROM rfm.current_scores c FULL JOIN previous_scores p USING (customer_id)
       WHERE (c.r, c.f, c.m, c.segment) IS DISTINCT FROM (p.r, p.f, p.m, p.segment) ORDER BY customer_id`,
    );
    await markCustomersChanged(tx, moved.map((r) => r.customer_id));
    return finished;
  });
}

export async function latestRun(db: SqlExecutor): Promise<RfmRunRecord | undefined> {
  const { rows } = await db.query<{ run_id: string; as_of: Date; window_days: number | null; currency: string; customers: string; requested_at: Date; finished_at: Date }>(
    // A run becomes current only as of no earlier than the one before: as_of breaks a tie of clocks.
    `SELECT * FROM rfm.runs ORDER BY finished_at DESC, as_of DESC LIMIT 1`,
  );
  const run = rows[0];
  if (run === undefined) return undefined;
  return {
    runId: run.run_id,
    asOf: iso(run.as_of),
    windowDays: run.window_days ?? 'all',
    currency: run.currency,
    customers: Number(run.customers),
    requestedAt: iso(run.requested_at),
    finishedAt: iso(run.finished_at),
  };
}

export async function segmentCounts(db: SqlExecutor): Promise<Record<string, number>> {
  const { rows } = await db.query<{ segment: string; customers: string }>(`SELECT segment, count(*) AS customers FROM rfm.current_scores GROUP BY segment ORDER BY segment`);
  return Object.fromEntries(rows.map((r) => [r.segment, Number(r.customers)]));
}

/** The scores and segment of these customers in the latest run, for those it scored. */
export async function currentStandingsOf(db: SqlExecutor, customerIds: readonly string[]): Promise<Map<string, Pick<CurrentRfm, 'segment' | 'r' | 'f' | 'm'>>> {
  const { rows } = await db.query<{ customer_id: string; segment: string; r: number; f: number; m: number }>(
    `SELECT customer_id, segment, r, f, m FROM rfm.current_scores WHERE customer_id = ANY($1::text[])`,
    [customerIds],
  );
  return new Map(rows.map(({ customer_id, segment, r, f, m }) => [customer_id, { segment, r, f, m }]));
}

export async function currentRfmOf(db: SqlExecutor, customerId: string): Promise<CurrentRfm | undefined> {
  const { rows } = await db.query<{ customer_id: string; recency_days: number; frequency: string; monetary: string; r: number; f: number; m: number; segment: string; run_id: string; as_of: Date; window_days: number | null }>(
    `SELECT c.*, r.as_of, r.window_days FROM rfm.current_scores c JOIN rfm.runs r USING (run_id) WHERE c.customer_id = $1`,
    [customerId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    customerId: row.customer_id,
    recencyDays: row.recency_days,
    frequency: Number(row.frequency),
    monetary: row.monetary,
    r: row.r,
    f: row.f,
    m: row.m,
    segment: row.segment,
    asOf: iso(row.as_of),
    windowDays: row.window_days ?? 'all',
    runId: row.run_id,
  };
}

/** Postgres (pg) gives a Date, PGlite too: both as the UTC instant. */
function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
