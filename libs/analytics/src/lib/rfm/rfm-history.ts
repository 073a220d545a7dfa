import { sqlLiteral, type ClickHouseClient } from '@cdp/clickhouse';
import { MS_PER_DAY } from '@cdp/events';

export interface RfmHistoryPurge {
  /** The days dropped from rfm_snapshots, as yyyymmdd numbers (UTC), oldest first. */
  readonly days: readonly number[];
  /** The runs those days held, taken out of rfm_runs too. */
  readonly runs: readonly string[];
}

/** Runs per mutation of rfm_runs: a first purge after a long time may drop thousands. */
const RUNS_PER_DELETE = 1_000;

/**
 * Drops the RFM runs scored more than `retentionDays` days before `now` from ClickHouse, whole
 * days at a time: rfm_snapshots is partitioned by the UTC day a run scored (migration 0011), and a
 * day goes once all of it is older than the retention, so a run stays between `retentionDays` and
 * one day more. The latest two runs that became current stay whatever their age, with the rest of
 * their days: the segment migration of docs/analytics.md compares them. Their rows go from
 * rfm_runs first, so an interrupted purge leaves snapshot rows of no listed run, which the next
 * one drops, never a listed run without its rows. 0 days keeps every run.
 */
export async function purgeRfmHistory(clickhouse: ClickHouseClient, now: Date, retentionDays: number): Promise<RfmHistoryPurge> {
  if (retentionDays === 0) return { days: [], runs: [] };
  const cutoff = Number(new Date(now.getTime() - retentionDays * MS_PER_DAY).toISOString().slice(0, 10).replaceAll('-', ''));
  const latest = await clickhouse.query<{ run_id: string }>('SELECT run_id FROM rfm_runs ORDER BY finished_at DESC, run_id DESC LIMIT 2');
  const keptDays = new Set<number>();
  if (latest.length > 0) {
    const rows = await clickhouse.query<{ day: number }>(
      `SELECT DISTINCT toYYYYMMDD(scored_at) AS day FROM rfm_snapshots WHERE run_id IN (${latest.map((r) => sqlLiteral(r.run_id)).join(', ')})`,
    );
    for (const { day } of rows) keptDays.add(Number(day));
  }
  const partitions = await clickhouse.query<{ partition: string }>(
    "SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = 'rfm_snapshots' AND active",
  );
  const days = partitions
    .map((p) => Number(p.partition))
    .filter((day) => day < cutoff && !keptDays.has(day))
    .sort((a, b) => a - b);
  if (days.length === 0) return { days, runs: [] };
  const runs = (
    await clickhouse.query<{ run_id: string }>(`SELECT DISTINCT run_id FROM rfm_snapshots WHERE toYYYYMMDD(scored_at) IN (${days.join(', ')}) ORDER BY run_id`)
  ).map((r) => r.run_id);
  for (let i = 0; i < runs.length; i += RUNS_PER_DELETE) {
    await clickhouse.command(`ALTER TABLE rfm_runs DELETE WHERE run_id IN (${runs.slice(i, i + RUNS_PER_DELETE).map(sqlLiteral).join(', ')})`);
  }
  await deletionsDone(clickhouse);
  for (const day of days) await clickhouse.command(`ALTER TABLE rfm_snapshots DROP PARTITION ${day}`);
  return { days, runs };
}

/** How long a purge waits for ClickHouse to apply its deletions from rfm_runs (a mutation, applied in the background). */
const DELETION_WAIT_MS = 60_000;

async function deletionsDone(clickhouse: ClickHouseClient): Promise<void> {
  for (const started = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 200))) {
    const [{ pending }] = await clickhouse.query<{ pending: string }>(
      "SELECT count() AS pending FROM system.mutations WHERE database = currentDatabase() AND table = 'rfm_runs' AND is_done = 0",
    );
    if (Number(pending) === 0) return;
    if (Date.now() - started > DELETION_WAIT_MS) throw new Error(`ClickHouse has not applied the deletion of old runs from rfm_runs in ${DELETION_WAIT_MS / 1000} s; their snapshot days are dropped by a later purge`);
  }
}
