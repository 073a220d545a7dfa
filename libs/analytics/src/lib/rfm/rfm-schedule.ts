/**
 * Whether a process's scheduled RFM run is due: not while a run is under way in it (one waiting for
 * the projections can outlast the interval, and turns queued behind it would pile up), nor when a
 * run of the deployment finished within the interval (another process ran it, or someone asked for
 * one); a tenth of the interval is left for timers that fire a little early.
 */
export function scheduledRfmRunDue(now: Date, everyMs: number, lastFinishedAt: string | undefined, runsUnderWay: number): boolean {
  if (runsUnderWay > 0) return false;
  return lastFinishedAt === undefined || now.getTime() - Date.parse(lastFinishedAt) >= everyMs * 0.9;
}
