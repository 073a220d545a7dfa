import type { Command } from 'commander';
import { DEMO_DAYS } from '@cdp/demo-data';
import { MS_PER_DAY } from '@cdp/events';
import { EndpointNotServedError } from '../platform-client/platform-client.errors';
import { CliError, UsageError } from '../shared/cli-error';
import { platformClientFor, type CliContext } from '../shared/cli-context';
import { formatCount, formatDuration, formatRate } from '../shared/format';
import { followProjections, type CatchUp } from '../projections/wait-for-projections';
import { instant, seconds, wholeNumber } from '../shared/options';
import { progressBar, type Progress } from '../shared/progress';
import { rfmRunText, segmentsOf } from '../rfm/run/rfm-run.command';
import { describeProfile } from '../customers/profile-summary';
import { sendDemoData, type DemoSummary } from './send-demo-data';
import { waitForProfile, type ProfileLookup } from './wait-for-profile';

interface DemoFlags {
  customers: number;
  seed: string;
  batch: number;
  concurrency: number;
  end?: Date;
  wait: number;
}

export function registerDemoCommand(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description(
      'Send two years of realistic touchpoints of an Iranian restaurant, fashion and travel group to the platform, through its public ingest API; once the projections have caught up, show one unified customer profile and the RFM segments.',
    )
    .option('--customers <n>', 'how many customers to invent', wholeNumber(1, 1_000_000), 10_000)
    .option('--seed <seed>', 'the same seed gives the same data and event ids, so sending it again is a no-op', 'demo')
    .option('--batch <n>', 'touchpoints per request (the platform takes up to 1,000)', wholeNumber(1, 1000), 500)
    .option('--concurrency <n>', 'requests in flight at once', wholeNumber(1, 32), 4)
    .option('--end <instant>', 'the end of the two years of data (default: midnight UTC today, so a re-run the same day sends identical data)', instant)
    .option('--wait <seconds>', 'how long to wait for the projections to catch up with what was sent', seconds, 900)
    .action(async (flags: DemoFlags, command: Command) => {
      const { terminal } = context;
      if (flags.end) checkDemoEnd(flags.end, context.now());
      const client = platformClientFor(command, context);
      let bar: Progress | undefined;
      const summary = await sendDemoData(
        { customers: flags.customers, seed: flags.seed, batchSize: flags.batch, concurrency: flags.concurrency, end: flags.end ?? startOfUtcDay(context.now()) },
        {
          client,
          listener: {
            generating: () => terminal.err(`Generating two years of touchpoints of ${formatCount(flags.customers)} customers (seed "${flags.seed}") …`),
            started: (total) => {
              terminal.err(`Sending ${formatCount(total)} touchpoints of ${formatCount(flags.customers)} customers to ${client.baseUrl} …`);
              bar = progressBar(terminal, 'Sending', 'touchpoints', total);
            },
            sent: (sent) => bar?.update(sent),
            retrying: (error, attempt) => terminal.err(`retrying a batch (attempt ${attempt + 1}): ${error.message}`),
          },
        },
      ).finally(() => bar?.stop());
      terminal.out(demoSummaryText(summary));

      terminal.out('');
      terminal.err(`Waiting up to ${formatDuration(flags.wait * 1000)} for the projections to catch up with what was sent …`);
      const waitEnds = Date.now() + flags.wait * 1000;
      const catchUp = await followProjections(client, terminal, 'Projecting', { timeoutMs: flags.wait * 1000, sleep: context.sleep }).catch(
        (error: Error) => ({ state: 'failed', error }) as const,
      );
      terminal.err(catchUpText(catchUp));
      terminal.out('');
      const lookup = await waitForProfile(client, { type: 'email', value: summary.showcase.email }, summary.showcase.touchpoints, {
        timeoutMs: Math.max(0, waitEnds - Date.now()),
        sleep: context.sleep,
      }).catch((error: Error) => ({ state: 'failed', error }) as const);
      terminal.out(profileText(lookup, summary, context.now()));

      terminal.out('');
      terminal.err('Scoring every customer by recency, frequency and monetary value (RFM waits for the projections to catch up) …');
      // As of now unless told: a run as of the data's end (midnight) would be a what-if once the hourly runs have scored since.
      const asOf = flags.end?.toISOString();
      const rfm = await client.runRfm({ asOf }).then(
        async (run) => rfmRunText(run, await segmentsOf(client, run)),
        (error: Error) => error,
      );
      if (!(rfm instanceof Error)) terminal.out(rfm);
      else if (rfm instanceof EndpointNotServedError) terminal.err(`RFM did not run: ${rfm.message}`);
      // The data is in; a step of the show that did not finish still fails the command, for a script to notice.
      const unfinished = [
        // A process that cannot tell its lag ('unknown') is no failure: what follows says what came of it.
        ...(catchUp.state === 'behind' || catchUp.state === 'failed' ? ['the projections did not catch up'] : []),
        // A process that serves no profiles or RFM (apps/ingest of a split deployment) said so above: no failure of the demo.
        ...(lookup.state === 'complete' || notServedHere(lookup) ? [] : [`${summary.showcase.name}'s profile ${lookup.state === 'failed' ? `could not be read (${lookup.error.message.replace(/\.$/, '')})` : lookup.state === 'partial' ? 'is partial' : 'is not there'}`]),
        ...(rfm instanceof Error && !(rfm instanceof EndpointNotServedError) ? [`RFM did not run (${rfm.message.replace(/\.$/, '')}): run it later with \`cdp rfm run${asOf ? ` --as-of ${asOf}` : ''}\``] : []),
      ];
      if (unfinished.length > 0) throw new CliError('CLI.DEMO_UNFINISHED', `the demo's touchpoints were all sent, but ${unfinished.join('; ')}.`);
    });
}

export function catchUpText(catchUp: CatchUp | { state: 'failed'; error: Error }): string {
  switch (catchUp.state) {
    case 'caught-up':
      return 'The projections have caught up.';
    case 'behind':
      return `The projections have not caught up yet (${catchUp.projection} is ${formatCount(catchUp.events)} events behind): what follows may be partial. Follow them with \`cdp projections status\`.`;
    case 'unknown':
      return 'The platform cannot tell how far behind its projections are: what follows may be partial.';
    case 'failed':
      return `Could not follow the projections: ${catchUp.error.message}`;
    default: {
      const never: never = catchUp;
      return String(never);
    }
  }
}

/** The demo's two years must lie between 1970 (before which no touchpoint is kept) and now (a day ahead at most is taken). */
function checkDemoEnd(end: Date, now: Date): void {
  if (end.getTime() > now.getTime()) throw new UsageError(`--end ${end.toISOString()} is after now: the platform refuses touchpoints more than a day ahead. Give an instant up to now, or leave it out for midnight UTC today.`);
  const start = end.getTime() - DEMO_DAYS * MS_PER_DAY;
  if (start < 0) throw new UsageError(`--end ${end.toISOString()} would start the two years of data before 1970, before which no touchpoint is kept: give ${new Date(DEMO_DAYS * MS_PER_DAY).toISOString()} or later.`);
}

/** Midnight UTC of that day: the same data all day long, so sending it again is a no-op. */
export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function demoSummaryText(summary: DemoSummary): string {
  return [
    `Demo data sent to ${summary.platformUrl}`,
    `  customers generated  ${formatCount(summary.customers)}`,
    `  touchpoints sent     ${formatCount(summary.touchpoints)} (${formatCount(summary.accepted)} new, ${formatCount(summary.duplicates)} duplicates)`,
    `  time                 ${formatDuration(summary.elapsedMs)}`,
    `  rate                 ${formatRate(summary.touchpoints, summary.elapsedMs, 'touchpoints')}`,
  ].join('\n');
}

export function profileText(lookup: ProfileLookup | { state: 'failed'; error: Error }, summary: DemoSummary, now: Date): string {
  const { email, touchpoints } = summary.showcase;
  const curl = `curl -s '${summary.platformUrl}/v1/customers?identifier=email:${email}'`;
  switch (lookup.state) {
    case 'complete':
      return [`The unified profile of email:${email}:`, '', ...describeProfile(lookup.profile, now)].join('\n');
    case 'partial':
      return [
        `The unified profile of email:${email}, while projections catch up (${formatCount(lookup.applied)} of its ${formatCount(touchpoints)} touchpoints applied so far):`,
        '',
        ...describeProfile(lookup.profile, now),
        '',
        `See it complete in a moment: ${curl}`,
      ].join('\n');
    case 'missing':
      return [`Projections are catching up: there is no profile for email:${email} yet. Look again in a moment:`, `  ${curl}`].join('\n');
    case 'failed':
      // A process that does not serve profiles (apps/ingest) will not serve them later either: the message says where to look.
      return [`The demo data is in, but the profile could not be read: ${lookup.error.message}`, ...(lookup.error instanceof EndpointNotServedError ? [] : [`Look again later: ${curl}`])].join('\n');
    default: {
      const never: never = lookup;
      return String(never);
    }
  }
}

function notServedHere(lookup: ProfileLookup | { state: 'failed'; error: Error }): boolean {
  return lookup.state === 'failed' && lookup.error instanceof EndpointNotServedError;
}
