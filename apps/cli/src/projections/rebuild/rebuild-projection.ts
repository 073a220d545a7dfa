import type { RebuildProgress } from '../../platform-client/admin-api';
import type { PlatformClient } from '../../platform-client/platform-client';
import { isPlatformBusy } from '../../platform-client/platform-client.errors';
import { CliError } from '../../shared/cli-error';
import { sleep } from '../../shared/polling';

export interface RebuildResult {
  readonly rebuildId: string;
  readonly processed: number;
  readonly elapsedMs: number;
}

export interface RebuildDependencies {
  readonly client: PlatformClient;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** The rebuild began, or was already running (started by an earlier command) and is followed instead. */
  readonly onStarted?: (rebuildId: string, alreadyRunning: boolean) => void;
  /** A progress request went unanswered (the platform is busy rebuilding); polling goes on. */
  readonly onBusy?: (error: Error) => void;
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Progress requests in a row that may go unanswered before the CLI gives up following the rebuild. */
const MAX_UNANSWERED = 10;

/**
 * `cdp projections rebuild`'s use case: asks the platform to rebuild a projection from the log,
 * then follows the rebuild until it is done (the result) or failed (a CliError with the reason).
 */
export async function rebuildProjection(name: string, deps: RebuildDependencies): Promise<RebuildResult> {
  const now = deps.now ?? Date.now;
  const wait = deps.sleep ?? sleep;
  const startedAt = now();
  const { rebuildId, alreadyRunning } = await deps.client.startRebuild(name);
  deps.onStarted?.(rebuildId, alreadyRunning);
  let unanswered = 0;
  for (;;) {
    let progress: RebuildProgress;
    try {
      progress = await deps.client.rebuild(name, rebuildId);
      unanswered = 0;
    } catch (error) {
      // An embedded platform can be too busy rebuilding to answer at once: ask again, for a while.
      if (isPlatformBusy(error) && ++unanswered <= MAX_UNANSWERED) {
        deps.onBusy?.(error as Error);
        await wait(deps.intervalMs ?? 500);
        continue;
      }
      if (error instanceof CliError) {
        throw new CliError(error.code, `${error.message} The rebuild may still be running in the platform: follow it with \`cdp projections status\`.`, error.exitCode);
      }
      throw error;
    }
    deps.onProgress?.(progress);
    if (progress.state === 'done') return { rebuildId, processed: progress.processed, elapsedMs: now() - startedAt };
    if (progress.state === 'failed') {
      throw new CliError(
        'CLI.REBUILD_FAILED',
        `The rebuild of ${name} failed after ${progress.processed} of ${progress.total} events: ${progress.error ?? 'no reason given'}. Fix the cause, then run \`cdp projections rebuild ${name}\` again.`,
      );
    }
    await wait(deps.intervalMs ?? 500);
  }
}
