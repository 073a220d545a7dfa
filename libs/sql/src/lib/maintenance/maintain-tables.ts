import type { SqlExecutor } from '../sql-client.port';
import { maintenanceDue, type MaintenanceStep } from './maintenance-due';

/**
 * Vacuums and analyzes the tables that need it by autovacuum's rule, one statement at a time.
 * This is for PGlite: it is Postgres in single-user mode, with no autovacuum worker, so without it
 * updated and deleted rows would stay in its tables for good and its planner would never get
 * statistics. A Postgres server does this itself.
 */
export async function maintainTables(sql: SqlExecutor): Promise<MaintenanceStep[]> {
  const { rows } = await sql.query<{ table: string; tuples: number; dead_tuples: string; inserted: string; modified: string }>(
    `SELECT format('%I.%I', s.schemaname, s.relname) AS table, c.reltuples::float8 AS tuples,
       s.n_dead_tup AS dead_tuples, s.n_ins_since_vacuum AS inserted, s.n_mod_since_analyze AS modified
     FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
     ORDER BY 1`,
  );
  const due = maintenanceDue(
    rows.map((r) => ({ table: r.table, tuples: Number(r.tuples), deadTuples: Number(r.dead_tuples), insertedSinceVacuum: Number(r.inserted), modifiedSinceAnalyze: Number(r.modified) })),
  );
  for (const step of due) await unlessDropped(sql.query(step.vacuum ? `VACUUM ${step.analyze ? '(ANALYZE) ' : ''}${step.table}` : `ANALYZE ${step.table}`));
  return due;
}

/**
 * Gathers the statistics of every table in a schema: for tables just filled (a rebuilt projection,
 * before it is swapped in), whose statistics the server's autovacuum would gather only later.
 */
export async function analyzeSchema(sql: SqlExecutor, schema: string): Promise<void> {
  const { rows } = await sql.query<{ table: string }>(`SELECT format('%I.%I', schemaname, tablename) AS table FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [schema]);
  for (const { table } of rows) await unlessDropped(sql.query(`ANALYZE ${table}`));
}

export interface TableMaintenanceSchedule {
  /** Runs a round now, or joins the one under way. */
  runNow(): Promise<MaintenanceStep[]>;
  /** No round starts after this; it resolves once the one under way has ended. */
  stop(): Promise<void>;
}

/**
 * Writes a checkpoint once the write-ahead log holds more than `afterWalBytes` since the last one.
 * For PGlite too: a server's checkpointer process does it every max_wal_size or checkpoint_timeout,
 * and PGlite, a single backend, has none, so its WAL grew by every write (about 15 KB a touchpoint)
 * until the process stopped; a checkpoint lets Postgres recycle the segments before it.
 */
export async function checkpointIfDue(sql: SqlExecutor, afterWalBytes: number): Promise<boolean> {
  const { rows } = await sql.query<{ since: string }>(`SELECT (pg_current_wal_lsn() - (pg_control_checkpoint()).redo_lsn)::text AS since`);
  if (Number(rows[0].since) <= afterWalBytes) return false;
  await sql.query('CHECKPOINT');
  return true;
}

/** WAL between two checkpoints of PGlite: a few minutes of writes at the rates embedded mode takes. */
export const PGLITE_CHECKPOINT_AFTER_WAL_BYTES = 64 * 1024 * 1024;

/**
 * Runs `maintainTables`, then `checkpointIfDue`, every `everyMs` (PGlite's upkeep); a failed round
 * is reported, and the next one tries again. While `vacuumWaits` gives a reason, the round only
 * checkpoints: a vacuum writes WAL, and a checkpoint lets the old WAL go.
 */
export function scheduleTableMaintenance(
  sql: SqlExecutor,
  options: {
    readonly everyMs: number;
    readonly onError: (error: unknown) => void;
    readonly checkpointAfterWalBytes?: number;
    readonly vacuumWaits?: () => string | undefined;
  },
): TableMaintenanceSchedule {
  let running: Promise<MaintenanceStep[]> | undefined;
  const round = async () => {
    const steps = options.vacuumWaits?.() === undefined ? await maintainTables(sql) : [];
    await checkpointIfDue(sql, options.checkpointAfterWalBytes ?? PGLITE_CHECKPOINT_AFTER_WAL_BYTES);
    return steps;
  };
  const runNow = () => (running ??= round().finally(() => (running = undefined)));
  const timer = setInterval(() => void runNow().catch(options.onError), options.everyMs).unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

/** A table dropped since the round listed it (a rebuild's swap drops the old schema) needs nothing. */
async function unlessDropped(statement: Promise<unknown>): Promise<void> {
  await statement.catch((error: { code?: string }) => {
    if (error.code !== UNDEFINED_TABLE) throw error;
  });
}

const UNDEFINED_TABLE = '42P01';
