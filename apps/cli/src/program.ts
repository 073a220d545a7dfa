import { Command, CommanderError } from 'commander';
import { releaseVersion } from '@cdp/platform-runtime/settings';
import { registerSqlCommand } from './analytics/sql/sql.command';
import { registerBenchCommand, type RunProcess } from './bench/bench.command';
import { registerDeadLettersListCommand } from './dead-letters/list/dead-letters-list.command';
import { registerDeadLettersReplayCommand } from './dead-letters/replay/dead-letters-replay.command';
import { registerDeadLettersRetryCommand } from './dead-letters/retry/dead-letters-retry.command';
import { registerCustomersShowCommand } from './customers/show/customers-show.command';
import { registerDemoCommand } from './demo/demo.command';
import { registerIdentityConflictsCommand } from './identity/conflicts/identity-conflicts.command';
import { registerRebuildProjectionCommand } from './projections/rebuild/rebuild-projection.command';
import { registerProjectionsStatusCommand } from './projections/status/projections-status.command';
import { registerRfmRunCommand } from './rfm/run/rfm-run.command';
import { registerSchemaCheckCommand } from './schema/check/schema-check.command';
import { registerSourceAddCommand } from './sources/add/source-add.command';
import { registerSourceValidateCommand } from './sources/validate/source-validate.command';
import { CliError, EXIT, type ExitCode } from './shared/cli-error';
import type { CliContext } from './shared/cli-context';
import { answerTimeout, platformUrl } from './shared/options';

/** What follows every usage error, commander's and the commands' own. */
const USAGE_HINT = '(add --help for usage)';

/** The `cdp` command and its subcommands, one folder per use case. */
export function createProgram(context: CliContext, runProcess?: RunProcess): Command {
  const program = new Command('cdp')
    .description('The customer-data platform from the command line: demo data, customer profiles, projections, dead letters, identity conflicts, RFM, analytics SQL, schemas, event sources and benchmarks.')
    .version(releaseVersion(), '-V, --version', 'the version of the CLI (the platform\'s, run from the same checkout)')
    .option('--url <url>', 'the running platform (default: $CDP_URL, else http://localhost:$PORT, port 3000)', platformUrl)
    .option('--timeout <seconds>', 'how long to wait for each answer of the platform, from 1 to 86400 (default 60; an RFM run\'s, 30 min)', answerTimeout)
    .exitOverride()
    .configureOutput({ writeOut: (text) => context.terminal.out(text.trimEnd()), writeErr: (text) => context.terminal.err(text.trimEnd()) })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError(USAGE_HINT)
    .addHelpText('after', '\nExit codes: 0 done, 1 failed, 2 wrong usage, 75 unavailable (try again later). See docs/cli.md.');

  registerDemoCommand(program, context);

  const customers = program.command('customers').description('Unified customer profiles: one, by its id or an identifier.');
  registerCustomersShowCommand(customers, context);

  const projections = program.command('projections').description('Read models built from the event log: their status, and rebuilds.');
  registerProjectionsStatusCommand(projections, context);
  registerRebuildProjectionCommand(projections, context);

  const dlq = program
    .command('dlq')
    .alias('dead-letters')
    .description('Dead letters: events projections could not process (list, retry), and messages producers wrote to Kafka that the intake refused (replay).');
  registerDeadLettersListCommand(dlq, context);
  registerDeadLettersRetryCommand(dlq, context);
  registerDeadLettersReplayCommand(dlq, context);

  const identity = program.command('identity').description('Identity resolution: what its guardrails refused.');
  registerIdentityConflictsCommand(identity, context);

  const rfm = program.command('rfm').description('RFM segmentation: score every customer by recency, frequency and monetary value.');
  registerRfmRunCommand(rfm, context);

  registerSqlCommand(program, context);

  const schema = program.command('schema').description('The Avro schemas under schemas/: check that every change keeps old events and consumers readable.');
  registerSchemaCheckCommand(schema, context);

  const source = program.command('source').description('Event sources (touchpoint types): scaffold a new one, validate sample events offline.');
  registerSourceAddCommand(source, context);
  registerSourceValidateCommand(source, context);

  registerBenchCommand(program, runProcess);
  return program;
}

/** Runs `cdp` with the user's arguments (without node and the script); resolves to the exit code. */
export async function runCli(args: readonly string[], context: CliContext, runProcess?: RunProcess): Promise<ExitCode> {
  try {
    await createProgram(context, runProcess).parseAsync([...args], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander has printed it
    if (error instanceof CliError) {
      context.terminal.err(`cdp: ${error.message}`);
      if (error.exitCode === EXIT.usage) context.terminal.err(USAGE_HINT);
      return error.exitCode;
    }
    context.terminal.err(`cdp: unexpected error, a bug: please report it with this output.\n${(error as Error)?.stack ?? String(error)}`);
    return EXIT.failure;
  }
}
