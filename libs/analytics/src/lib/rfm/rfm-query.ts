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
/** Monetary as an integer, to sort: 18.16 sorts an array of 50,000 decimals in seconds, of integers in milliseconds. */
const MONETARY_THOUSANDTHS = 'toInt64(toDecimal128(monetary, 3) * 1000)';

/**
 * The SQL of one RFM run, for ClickHouse 18.16 and chDB alike (no CTEs, window functions or
 * query parameters; one JOIN per SELECT), so the intermediate results live in Memory work tables.
 *
 * Purchases and refunds are first summed per customer key, so the identity join reads one row per
 * key rather than one per event. A key that identity_map does not know (or '') stands for no
 * customer: each of its events is a customer of its own, 'cus_' + event_id, so those stay per event.
 */
export function buildRfmStatements(request: RfmRunRequest): RfmStatements {
  const { asOf, windowDays } = parseRfmParameters(request, request.asOf);
  const start = windowStart(asOf, windowDays);
  const asOfMs = Date.parse(asOf);
  const inWindow = start === null || Date.parse(start) < 0 ? '1' : `occurred_at_ms > ${sqlLiteral(Date.parse(start))}`;
  const identity = workTable(request.runId, 'identity');
  const measures = workTable(request.runId, 'measures');
  const cuts = workTable(request.runId, 'cuts');
  const perKey = (table: 'purchases' | 'refunds', totals: string) => `
    SELECT
      customer_key,
      if(customer_key != '' AND customer_key IN (SELECT customer_key FROM ${identity}), '', event_id) AS unresolved_event_id,
      ${totals}
    FROM ${table}
    WHERE occurred_at_ms <= ${sqlLiteral(asOfMs)}
    GROUP BY customer_key, unresolved_event_id`;
  const inCurrency = `currency = ${sqlLiteral(request.currency)}`;
  return {
    statements: [
      `CREATE TABLE ${identity} ENGINE = Memory AS
      SELECT key AS customer_key, argMax(customer_id, version) AS resolved_id FROM identity_map GROUP BY key`,
      `CREATE TABLE ${measures} ENGINE = Memory AS
      SELECT
        customer_id,
        toUInt32(intDiv(${sqlLiteral(asOfMs)} - max(last_purchase_ms), ${MS_PER_DAY})) AS recency_days,
        sum(purchases_in_window) AS frequency,
        toDecimal64(sum(net_amount), 3) AS monetary
      FROM (
        SELECT
          if(unresolved_event_id = '', resolved_id, concat('cus_', unresolved_event_id)) AS customer_id,
          purchases_to_date, last_purchase_ms, purchases_in_window, net_amount
        FROM (${perKey(
          'purchases',
          `count() AS purchases_to_date,
          max(occurred_at_ms) AS last_purchase_ms,
          countIf(${inWindow}) AS purchases_in_window,
          toDecimal64(sumIf(amount, ${inWindow} AND ${inCurrency}), 3) AS net_amount`,
        )}
          UNION ALL ${perKey('refunds', `toUInt64(0), toUInt64(0), toUInt64(0), -toDecimal64(sumIf(amount, ${inWindow} AND ${inCurrency}), 3)`)}
        ) AS per_key ANY LEFT JOIN ${identity} USING customer_key
      )
      GROUP BY customer_id
      HAVING sum(purchases_to_date) > 0`,
      createCuts(measures, cuts),
      insertSnapshots(request, asOf, windowDays, measures, cuts),
    ],
    countScored: `SELECT count() AS customers FROM ${measures}`,
    cleanup: [identity, measures, cuts].map((table) => `DROP TABLE IF EXISTS ${table}`),
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
 * They sit in a one-row table, not in scalar subqueries: 18.16 cannot turn an array of decimals
 * from a scalar subquery into a constant.
 */
function createCuts(measures: string, cuts: string): string {
  const cutsOf = (worstFirst: string) => `[${SCORE_CUTS.map((k) => `${worstFirst}[intDiv(${k} * n + 4, 5)]`).join(', ')}]`;
  return `CREATE TABLE ${cuts} ENGINE = Memory AS
    SELECT ${cutsOf('recency_worst_first')} AS recency_cuts, ${cutsOf('frequency_worst_first')} AS frequency_cuts, ${cutsOf('monetary_worst_first')} AS monetary_cuts
    FROM (
      SELECT
        arrayReverseSort(groupArray(recency_days)) AS recency_worst_first,
        arraySort(groupArray(frequency)) AS frequency_worst_first,
        arraySort(groupArray(${MONETARY_THOUSANDTHS})) AS monetary_worst_first,
        count() AS n
      FROM ${measures}
    )`;
}

function insertSnapshots(request: RfmRunRequest, asOf: string, windowDays: RfmWindowDays, measures: string, cuts: string): string {
  const grid = request.grid ?? DEFAULT_RFM_GRID;
  const gridRows = ([1, 2, 3, 4, 5] as const).map((r) => [...grid[r]]);
  return `INSERT INTO rfm_snapshots (run_id, as_of, window_days, customer_id, recency_days, frequency, monetary, r, f, m, segment)
    SELECT
      ${sqlLiteral(request.runId)},
      ${sqlLiteral(new Date(asOf))},
      ${sqlLiteral(windowDays === 'all' ? 0 : windowDays)},
      customer_id, recency_days, frequency, monetary,
      toUInt8(1 + arrayCount(cut -> cut > recency_days, recency_cuts)) AS r,
      toUInt8(1 + arrayCount(cut -> cut < frequency, frequency_cuts)) AS f,
      toUInt8(1 + arrayCount(cut -> cut < ${MONETARY_THOUSANDTHS}, monetary_cuts)) AS m,
      ${sqlLiteral(gridRows)}[r][intDiv(f + m + 1, 2)]
    FROM ${measures} CROSS JOIN ${cuts}`;
}

/** A work table of the run: its name is derived from the run id, which may hold any characters. */
function workTable(runId: string, role: string): string {
  return sqlIdentifier(`rfm_work_${createHash('sha256').update(runId).digest('hex').slice(0, 16)}_${role}`);
}
