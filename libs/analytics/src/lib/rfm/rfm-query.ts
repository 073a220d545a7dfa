import { createHash } from 'node:crypto';
import { sqlIdentifier, sqlLiteral, type ClickHouseClient } from '@cdp/clickhouse';
import { MS_PER_DAY } from '@cdp/events';
import { DEFAULT_RFM_GRID, parseRfmParameters, windowStart, type RfmGrid, type RfmWindowDays } from '@cdp/rfm';

export interface RfmRunRequest {
  /** Identifies the run's rows in rfm_snapshots. */
  readonly runId: string;
  /** An ISO 8601 instant with a zone. */
  readonly asOf: string;
  readonly windowDays: RfmWindowDays;
  /** The reporting currency: only amounts in it count in monetary. */
  readonly currency: string;
  readonly grid?: RfmGrid;
  /** When the run scores, an ISO 8601 instant: its day decides when the run goes (purgeRfmHistory). Default: ClickHouse's now(). */
  readonly scoredAt?: string;
}

/** A customer's row of rfm_snapshots, as the ClickHouse port reads it (64-bit integers and decimals as text). */
export interface RfmSnapshotRow {
  customer_id: string;
  recency_days: number;
  frequency: string;
  monetary: string;
  r: number;
  f: number;
  m: number;
  segment: string;
}

export interface RfmStatements {
  /** To run in order; the last one inserts the run's rows into rfm_snapshots. */
  readonly statements: readonly string[];
  /** Counts the customers scored; run after the statements, before the cleanup. */
  readonly countScored: string;
  /** Drops the run's work tables; safe to run at any point. */
  readonly cleanup: readonly string[];
}

const SCORE_CUTS = [1, 2, 3, 4] as const;

/**
 * The SQL of one RFM run, for ClickHouse 18.16 and chDB alike (no CTEs, window functions or
 * query parameters; one JOIN per SELECT), so the intermediate results live in Memory work tables.
 *
 * Purchases and refunds are read as one stream of signed rows, each joined to its key's customer
 * in identity_map, and summed per customer in one pass. Purchases and refunds are stored ordered by
 * customer key (migration 0005), so a key's rows come one after another and their lookups in the
 * join and in the grouping find what the previous row brought into the CPU cache. A key that
 * identity_map does not know (or '') stands for no customer: each of its events is a customer of
 * its own, the one it founded: 'cus_' + event_id without dashes. Rows are grouped by their owner,
 * or, without one, by their event id: a UUID, which no customer id equals (they start with 'cus_').
 */
export function buildRfmStatements(request: RfmRunRequest): RfmStatements {
  const { asOf, windowDays } = parseRfmParameters(request, request.asOf);
  const start = windowStart(asOf, windowDays);
  const asOfMs = Date.parse(asOf);
  const inWindow = start === null || Date.parse(start) < 0 ? '1' : `occurred_at_ms > ${sqlLiteral(Date.parse(start))}`;
  const [measures, cuts] = ['measures', 'cuts'].map((role) => rfmWorkTable(request.runId, role));
  const signedRows = (table: string, isPurchase: 0 | 1, amount: string) =>
    `SELECT customer_key, event_id, occurred_at_ms, currency, toUInt8(${isPurchase}) AS is_purchase, ${amount} AS signed_amount
    FROM ${table} WHERE occurred_at_ms <= ${sqlLiteral(asOfMs)}`;
  return {
    statements: [
      // FINAL keeps each key's row of the highest version, as argMax would, without grouping the map.
      `CREATE TABLE ${measures} ENGINE = Memory AS
      SELECT
        if(substring(owner_or_event, 1, 4) = 'cus_', owner_or_event, concat('cus_', replaceAll(owner_or_event, '-', ''))) AS customer_id,
        toUInt32(intDiv(${sqlLiteral(asOfMs)} - last_purchase_ms, ${sqlLiteral(MS_PER_DAY)})) AS recency_days,
        frequency,
        monetary
      FROM (
        SELECT
          if(owner = '', event_id, owner) AS owner_or_event,
          maxIf(occurred_at_ms, is_purchase = 1) AS last_purchase_ms,
          countIf(is_purchase = 1 AND ${inWindow}) AS frequency,
          toDecimal128(sumIf(signed_amount, ${inWindow} AND currency = ${sqlLiteral(request.currency)}), 3) AS monetary
        FROM (${signedRows('purchases', 1, 'amount')} UNION ALL ${signedRows('refunds', 0, '-amount')}) AS movements
        ANY LEFT JOIN (
          SELECT key AS customer_key, customer_id AS owner FROM identity_map FINAL WHERE key != ''
        ) AS identity USING customer_key
        GROUP BY owner_or_event
        HAVING max(is_purchase) = 1
      )`,
      createCuts(measures, cuts),
      insertSnapshots(request, asOf, windowDays, measures, cuts),
    ],
    countScored: `SELECT count() AS customers FROM ${measures}`,
    cleanup: [measures, cuts].map((table) => `DROP TABLE IF EXISTS ${table}`),
  };
}

/** Runs the RFM for the request into rfm_snapshots and returns how many customers it scored. */
export async function runRfmQuery(client: ClickHouseClient, request: RfmRunRequest): Promise<number> {
  const { statements, countScored, cleanup } = buildRfmStatements(request);
  const dropWorkTables = async () => {
    for (const statement of cleanup) await client.command(statement);
  };
  // A crashed earlier attempt of the same run may have left its work tables behind.
  await dropWorkTables();
  try {
    for (const statement of statements) await client.command(statement);
    const [{ customers }] = await client.query<{ customers: string }>(countScored);
    return Number(customers);
  } finally {
    await dropWorkTables();
  }
}

/**
 * Scores without ranking each customer: with L customers strictly worse out of N, a score is
 * 1 + floor(5L/N), so it passes k + 1 exactly when L >= ceil(kN/5), that is when the value beats
 * the ceil(kN/5)-th worst value of the population. Four cut values per measure make the scores.
 *
 * quantilesExact(level) partially sorts the values and takes the one at 0-based index
 * floor(level * N): the ceil(kN/5)-th smallest is at index ceil(kN/5) - 1 = floor((k/5 - ε)N), and
 * the ceil(kN/5)-th largest at index N - ceil(kN/5) = floor(((5 - k)/5 + ε)N), for any ε with
 * 0 < εN < 1/5, the least distance of kN/5 from the integer above it when it is not one. With
 * ε = 1e-11 that holds up to 20 billion customers, far above the rounding of the levels.
 * The cuts go to a one-row table first: 18.16 runs a scalar subquery again for each use of it.
 * Monetary cuts are kept as text: 18.16 cannot pass an array of decimals through a scalar subquery.
 */
function createCuts(measures: string, cuts: string): string {
  const levels = (offset: (k: number) => number) => SCORE_CUTS.map((k) => offset(k)).join(', ');
  const worstSmallest = levels((k) => k / 5 - CUT_LEVEL_EPSILON);
  const worstLargest = levels((k) => (5 - k) / 5 + CUT_LEVEL_EPSILON);
  return `CREATE TABLE ${cuts} ENGINE = Memory AS
    SELECT
      quantilesExact(${worstLargest})(recency_days) AS recency_cuts,
      quantilesExact(${worstSmallest})(frequency) AS frequency_cuts,
      arrayMap(cut -> toString(cut), quantilesExact(${worstSmallest})(monetary)) AS monetary_cuts
    FROM ${measures}`;
}

const CUT_LEVEL_EPSILON = 1e-11;

function insertSnapshots(request: RfmRunRequest, asOf: string, windowDays: RfmWindowDays, measures: string, cuts: string): string {
  const score = (value: string, cut: (k: number) => string, beats: '<' | '>') =>
    `toUInt8(1 + ${SCORE_CUTS.map((k) => `(${value} ${beats} ${cut(k)})`).join(' + ')})`;
  const grid = request.grid ?? DEFAULT_RFM_GRID;
  const segments = ([1, 2, 3, 4, 5] as const).flatMap((r) => grid[r]);
  return `INSERT INTO rfm_snapshots (run_id, as_of, window_days, customer_id, recency_days, frequency, monetary, r, f, m, segment, scored_at)
    WITH
      (SELECT recency_cuts FROM ${cuts}) AS recency_cuts,
      (SELECT frequency_cuts FROM ${cuts}) AS frequency_cuts,
      (SELECT monetary_cuts FROM ${cuts}) AS monetary_cuts
    SELECT
      ${sqlLiteral(request.runId)},
      ${sqlLiteral(new Date(asOf))},
      ${sqlLiteral(windowDays === 'all' ? 0 : windowDays)},
      customer_id, recency_days, frequency, monetary,
      ${score('recency_days', (k) => `recency_cuts[${k}]`, '<')} AS r,
      ${score('frequency', (k) => `frequency_cuts[${k}]`, '>')} AS f,
      ${score('monetary', (k) => `toDecimal128(monetary_cuts[${k}], 3)`, '>')} AS m,
      ${sqlLiteral(segments)}[(r - 1) * 5 + intDiv(f + m + 1, 2)],
      ${request.scoredAt === undefined ? 'now()' : sqlLiteral(new Date(request.scoredAt))}
    FROM ${measures}`;
}

/**
 * Drops the work tables of runs that died with their process (a run drops its own as it ends):
 * those an hour old, which no run takes, so that a run of another process keeps its own.
 */
export async function dropAbandonedWorkTables(client: ClickHouseClient): Promise<void> {
  const abandoned = await client.query<{ name: string }>(
    `SELECT name FROM system.tables
     WHERE database = currentDatabase() AND substring(name, 1, 9) = 'rfm_work_' AND metadata_modification_time < now() - INTERVAL 1 HOUR`,
  );
  for (const { name } of abandoned) await client.command(`DROP TABLE IF EXISTS ${sqlIdentifier(name)}`);
}

/** A work table of the run: its name is derived from the run id, which may hold any characters. */
export function rfmWorkTable(runId: string, role: string): string {
  return sqlIdentifier(`rfm_work_${createHash('sha256').update(runId).digest('hex').slice(0, 16)}_${role}`);
}
