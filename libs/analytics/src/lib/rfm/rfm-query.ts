import { createHash } from 'node:crypto';
import { sqlIdentifier, sqlLiteral, type ClickHouseClient } from '@cdp/clickhouse';
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

const MS_PER_DAY = 86_400_000;
const SCORE_CUTS = [1, 2, 3, 4] as const;
/**
 * Keys are grouped and joined by a 64-bit hash of their text, which groups in about half the time
 * of the text itself. Two keys could share a hash: with n distinct keys the chance that any pair
 * does is about n²/2⁶⁵, 3 in 100 million for a million keys, and then the two keys' events would
 * count for one customer. Customers themselves are grouped by their exact id.
 */
const KEY_HASH = 'cityHash64(customer_key)';

/**
 * The SQL of one RFM run, for ClickHouse 18.16 and chDB alike (no CTEs, window functions or
 * query parameters; one JOIN per SELECT), so the intermediate results live in Memory work tables.
 *
 * Purchases and refunds are first summed per customer key, so the identity join reads one row per
 * key rather than one per event. A key that identity_map does not know (or '') stands for no
 * customer: each of its events is a customer of its own, the one it founded: 'cus_' + event_id
 * without dashes. Those events are read again by their keys' hashes: one more pass over the key
 * column costs less than carrying every key's text through the grouping.
 */
export function buildRfmStatements(request: RfmRunRequest): RfmStatements {
  const { asOf, windowDays } = parseRfmParameters(request, request.asOf);
  const start = windowStart(asOf, windowDays);
  const asOfMs = Date.parse(asOf);
  const inWindow = start === null || Date.parse(start) < 0 ? '1' : `occurred_at_ms > ${sqlLiteral(Date.parse(start))}`;
  const inWindowAndCurrency = `${inWindow} AND currency = ${sqlLiteral(request.currency)}`;
  const [keyed, measures, cuts] = ['keyed', 'measures', 'cuts'].map((role) => workTable(request.runId, role));
  // has_purchase is a constant per side, so telling purchases from refunds costs no aggregate.
  const totalsBy = (expression: string, alias: string, condition: string) => `
    SELECT
      ${expression} AS ${alias},
      toUInt8(1) AS has_purchase,
      max(occurred_at_ms) AS last_purchase_ms,
      countIf(${inWindow}) AS purchases_in_window,
      toDecimal64(sumIf(amount, ${inWindowAndCurrency}), 3) AS net_amount
    FROM purchases WHERE occurred_at_ms <= ${sqlLiteral(asOfMs)} AND ${condition} GROUP BY ${alias}
    UNION ALL
    SELECT ${expression} AS ${alias}, toUInt8(0), toUInt64(0), toUInt64(0), -toDecimal64(sumIf(amount, ${inWindowAndCurrency}), 3)
    FROM refunds WHERE occurred_at_ms <= ${sqlLiteral(asOfMs)} AND ${condition} GROUP BY ${alias}`;
  return {
    statements: [
      // FINAL keeps each key's row of the highest version, as argMax would, without grouping the map.
      `CREATE TABLE ${keyed} ENGINE = Memory AS
      SELECT key_hash, customer_id, has_purchase, last_purchase_ms, purchases_in_window, net_amount
      FROM (${totalsBy(KEY_HASH, 'key_hash', '1')}) AS per_key
      ANY LEFT JOIN (
        SELECT cityHash64(key) AS key_hash, customer_id FROM identity_map FINAL WHERE key != ''
      ) AS identity USING key_hash`,
      `CREATE TABLE ${measures} ENGINE = Memory AS
      SELECT
        customer_id,
        toUInt32(intDiv(${sqlLiteral(asOfMs)} - max(last_purchase_ms), ${sqlLiteral(MS_PER_DAY)})) AS recency_days,
        sum(purchases_in_window) AS frequency,
        toDecimal64(sum(net_amount), 3) AS monetary
      FROM (
        SELECT customer_id, has_purchase, last_purchase_ms, purchases_in_window, net_amount
        FROM ${keyed} WHERE customer_id != ''
        UNION ALL ${totalsBy("concat('cus_', replaceAll(event_id, '-', ''))", 'customer_id', `${KEY_HASH} IN (SELECT key_hash FROM ${keyed} WHERE customer_id = '')`)}
      )
      GROUP BY customer_id
      HAVING max(has_purchase) = 1`,
      createCuts(measures, cuts),
      insertSnapshots(request, asOf, windowDays, measures, cuts),
    ],
    countScored: `SELECT count() AS customers FROM ${measures}`,
    cleanup: [keyed, measures, cuts].map((table) => `DROP TABLE IF EXISTS ${table}`),
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
  return `INSERT INTO rfm_snapshots (run_id, as_of, window_days, customer_id, recency_days, frequency, monetary, r, f, m, segment)
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
      ${score('monetary', (k) => `toDecimal64(monetary_cuts[${k}], 3)`, '>')} AS m,
      ${sqlLiteral(segments)}[(r - 1) * 5 + intDiv(f + m + 1, 2)]
    FROM ${measures}`;
}

/** A work table of the run: its name is derived from the run id, which may hold any characters. */
function workTable(runId: string, role: string): string {
  return sqlIdentifier(`rfm_work_${createHash('sha256').update(runId).digest('hex').slice(0, 16)}_${role}`);
}
