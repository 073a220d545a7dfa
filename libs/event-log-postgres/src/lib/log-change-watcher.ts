import type { SqlClient } from '@cdp/sql';

export interface LogChangeWatcher {
  /** Calls `wake` whenever the log may hold something new for a reader; returns the call that stops it. */
  listen(wake: () => void): () => void;
  /** Wakes every listener now (this process appended). */
  wakeAll(): void;
}

/**
 * One watcher per log and process. While anyone listens, it asks Postgres every `intervalMs` for
 * the newest global position and the oldest transaction still running (which holds readers back:
 * see readAfter), and wakes every listener when either has moved. Both only grow, so no change is
 * missed. A process's idle subscribers then cost one small query per interval between them, not a
 * read each, and still see another process's appends within about an interval.
 */
export function logChangeWatcher(sql: SqlClient, eventsTable: string, intervalMs: number): LogChangeWatcher {
  const listeners = new Set<() => void>();
  let scheduled: NodeJS.Timeout | undefined;
  let looking = false;
  let seen = '';
  const wakeAll = () => {
    for (const wake of listeners) wake();
  };
  const schedule = () => {
    if (scheduled === undefined && !looking && listeners.size > 0) scheduled = setTimeout(() => void look(), intervalMs);
  };
  const look = async () => {
    scheduled = undefined;
    looking = true;
    try {
      const { rows } = await sql.query<{ state: string }>(
        `SELECT coalesce((SELECT max(global_position) FROM ${eventsTable}), 0)::text || ':' || pg_snapshot_xmin(pg_current_snapshot())::text AS state`,
      );
      if (rows[0].state !== seen) {
        seen = rows[0].state;
        wakeAll();
      }
    } catch {
      // Looked at again in an interval; the subscribers also ask on their own now and then.
    } finally {
      looking = false;
      schedule();
    }
  };
  return {
    listen(wake) {
      listeners.add(wake);
      schedule();
      return () => {
        listeners.delete(wake);
        if (listeners.size === 0) {
          clearTimeout(scheduled);
          scheduled = undefined;
        }
      };
    },
    wakeAll,
  };
}
