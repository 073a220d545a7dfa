/** What Postgres's statistics say about a table since it was last vacuumed and analyzed. */
export interface TableActivity {
  /** Schema-qualified and quoted, ready for a statement. */
  readonly table: string;
  /** The row count of the last vacuum or analyze (`pg_class.reltuples`); −1 when never counted, taken as 0. */
  readonly tuples: number;
  readonly deadTuples: number;
  readonly insertedSinceVacuum: number;
  readonly modifiedSinceAnalyze: number;
}

/** A table is due when its count passes base + scale × its rows, as autovacuum reckons it. */
export interface MaintenanceThresholds {
  readonly vacuum: Threshold;
  /** Insert-only tables (an event log) need vacuuming too: to mark their pages all-visible and freeze them. */
  readonly vacuumAfterInserts: Threshold;
  readonly analyze: Threshold;
}

interface Threshold {
  readonly base: number;
  readonly scale: number;
}

/** The defaults of Postgres 13 and later (autovacuum_vacuum_threshold and the rest). */
export const AUTOVACUUM_THRESHOLDS: MaintenanceThresholds = {
  vacuum: { base: 50, scale: 0.2 },
  vacuumAfterInserts: { base: 1_000, scale: 0.2 },
  analyze: { base: 50, scale: 0.1 },
};

export interface MaintenanceStep {
  readonly table: string;
  /** VACUUM, with ANALYZE when `analyze` is true too; ANALYZE alone otherwise. */
  readonly vacuum: boolean;
  readonly analyze: boolean;
}

/** Which tables need a vacuum or an analyze now, by autovacuum's own rule. */
export function maintenanceDue(tables: readonly TableActivity[], thresholds: MaintenanceThresholds = AUTOVACUUM_THRESHOLDS): MaintenanceStep[] {
  return tables.flatMap((activity) => {
    const passes = (count: number, { base, scale }: Threshold) => count > base + scale * Math.max(activity.tuples, 0);
    const vacuum = passes(activity.deadTuples, thresholds.vacuum) || passes(activity.insertedSinceVacuum, thresholds.vacuumAfterInserts);
    const analyze = passes(activity.modifiedSinceAnalyze, thresholds.analyze);
    return vacuum || analyze ? [{ table: activity.table, vacuum, analyze }] : [];
  });
}
