/*
 * The platform's HTTP answers the CLI reads: the admin API (/v1/admin/...), ingestion and the
 * profile query, as ARCHITECTURE.md and docs/ fix them.
 */

export type ProjectionState = 'running' | 'waiting' | 'retrying' | 'standby' | 'rebuilding' | 'stopped';

export interface ProjectionStatus {
  readonly name: string;
  /** Where the projection has read the log up to; its shape depends on the log. */
  readonly checkpoint: Readonly<Record<string, unknown>> | null;
  /** Events in the log it has not processed yet; null when the log cannot tell. */
  readonly lag: number | null;
  readonly processed: number;
  readonly deadLetters: number;
  readonly state: ProjectionState;
  /** Why it waits (for another projection) or retries (a failure), and since when; else null. */
  readonly reason?: string | null;
  readonly since?: string | null;
  /** The process running it, for a projection one process at a time runs (servers mode); else null. */
  readonly owner?: string | null;
  /** The partitions of the log the process that answered projects now, for a projection processes share (Kafka); else null. */
  readonly partitions?: readonly string[] | null;
}

export interface RebuildProgress {
  readonly state: 'running' | 'done' | 'failed';
  readonly processed: number;
  readonly total: number;
  readonly error?: string;
}

export type { DeadLetter } from '@cdp/projections';

export interface RetryResult {
  readonly retried: number;
  readonly stillFailing: number;
}

export type RetryTarget = { readonly ids: readonly string[] } | { readonly all: true };

export interface AcceptedTouchpoint {
  readonly eventId: string;
  readonly position: string;
  readonly duplicate: boolean;
}

export interface TouchpointError {
  readonly index: number;
  readonly path: string;
  readonly message: string;
}

/** An RFM run, as POST /v1/segments/rfm/runs answers. */
export interface RfmRun {
  readonly runId: string;
  readonly asOf: string;
  readonly windowDays: number | 'all';
  readonly currency: string;
  readonly customers: number;
  readonly requestedAt: string;
  readonly finishedAt: string;
  /** false for a what-if run (as of an instant before the current scores'), which brings its own segment counts. */
  readonly current?: boolean;
  readonly segments?: Readonly<Record<string, number>>;
}

/** GET /v1/segments/rfm. */
export interface RfmSegments extends Omit<RfmRun, 'requestedAt' | 'finishedAt'> {
  readonly segments: Readonly<Record<string, number>>;
}
