import { InvalidArgumentError, type Command } from 'commander';
import { InvalidRfmParametersError, parseRfmParameters } from '@cdp/rfm';
import type { RfmRun, RfmSegments } from '../../platform-client/admin-api';
import type { CliContext } from '../../shared/cli-context';
import { formatCount, formatDuration, formatInstant, formatTable } from '../../shared/format';
import { instant, seconds } from '../../shared/options';
import { CliError, EXIT } from '../../shared/cli-error';
import type { PlatformClient } from '../../platform-client/platform-client';
import { followProjections } from '../../projections/wait-for-projections';
import { withPlatform } from '../../shared/with-platform';

export function registerRfmRunCommand(rfm: Command, context: CliContext): void {
  rfm
    .command('run')
    .description(
      'Score every customer (recency, frequency, monetary) once the projections have caught up, and print the customers per segment. The scores become the current ones, unless --as-of is before the current scores\' instant: such a run is a what-if, and changes no current segment.',
    )
    .option('--as-of <instant>', 'the instant to score at (default: now)', asOf)
    .option('--window <days>', 'the window of frequency and monetary, in days, or "all" (default 365)', windowDays)
    .option('--wait <seconds>', 'how long to wait for the projections to catch up before the run', seconds, 900)
    .option('--json', 'print { run, segments }: the run as the platform answered it, and the customers per segment')
    .action(async (flags: { asOf?: Date; window?: number | 'all'; wait: number; json?: boolean }, command: Command) => {
      const { run, segments } = await withPlatform(command, context, async (client) => {
        await caughtUpOrFail(client, flags.wait, context);
        const done = await client.runRfm({ asOf: flags.asOf?.toISOString(), windowDays: flags.window });
        return { run: done, segments: await segmentsOf(client, done) };
      });
      context.terminal.out(flags.json ? JSON.stringify({ run, segments: segments?.segments ?? {} }, null, 2) : rfmRunText(run, segments));
    });
}

/**
 * Scores only once every touchpoint accepted so far is projected, showing the projections' progress
 * (the platform would wait too, but silently); a platform that cannot tell its lag decides itself.
 */
async function caughtUpOrFail(client: PlatformClient, waitSeconds: number, context: CliContext): Promise<void> {
  const catchUp = await followProjections(client, context.terminal, 'Waiting for the projections', { timeoutMs: waitSeconds * 1000, sleep: context.sleep });
  if (catchUp.state === 'behind') {
    throw new CliError(
      'CLI.PROJECTIONS_BEHIND',
      `The projections are still behind after ${formatDuration(waitSeconds * 1000)} (${catchUp.projection} is ${formatCount(catchUp.events)} events behind), so RFM did not run. Follow them with \`cdp projections status\`, then run it again, or pass a longer --wait.`,
      EXIT.unavailable,
    );
  }
}

/** The customers per segment of a run: a what-if brings its own; the current ones are read. */
export async function segmentsOf(client: PlatformClient, run: RfmRun): Promise<RfmSegments | undefined> {
  return run.current === false ? { ...run, segments: run.segments ?? {} } : client.rfmSegments();
}

export function rfmRunText(run: RfmRun, segments: RfmSegments | undefined): string {
  const window = run.windowDays === 'all' ? 'all purchases' : `the ${run.windowDays} days before`;
  const took = formatDuration(Date.parse(run.finishedAt) - Date.parse(run.requestedAt));
  const counts = Object.entries(segments?.segments ?? {}).sort(([, a], [, b]) => b - a);
  return [
    `RFM run ${run.runId}: ${formatCount(run.customers)} customers scored as of ${formatInstant(run.asOf)} over ${window} (monetary in ${run.currency}), in ${took}.`,
    ...(run.current === false ? ['A what-if run: it is as of an instant before the current scores, which stay as they are (its scores are in rfm_snapshots).'] : []),
    '',
    counts.length === 0 ? 'No customer has a purchase at or before that instant.' : formatTable(['SEGMENT', 'CUSTOMERS'], counts.map(([segment, n]) => [segment, formatCount(n)])),
  ].join('\n');
}

/** --as-of, held to the platform's own rule (parseRfmParameters), so that a value it would refuse is a usage error here. */
function asOf(value: string): Date {
  const at = instant(value);
  asRfmParameter({ asOf: at.toISOString() });
  return at;
}

function windowDays(value: string): number | 'all' {
  return asRfmParameter({ windowDays: value }).windowDays;
}

function asRfmParameter(input: { asOf?: string; windowDays?: string }) {
  try {
    return parseRfmParameters(input, new Date().toISOString());
  } catch (error) {
    if (error instanceof InvalidRfmParametersError) throw new InvalidArgumentError(`${error.message}.`);
    throw error;
  }
}
