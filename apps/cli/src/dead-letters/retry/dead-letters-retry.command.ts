import type { Command } from 'commander';
import type { RetryResult, RetryTarget } from '../../platform-client/admin-api';
import { CliError, UsageError } from '../../shared/cli-error';
import type { CliContext } from '../../shared/cli-context';
import { withPlatform } from '../../shared/with-platform';
import { formatCount } from '../../shared/format';

export function registerDeadLettersRetryCommand(dlq: Command, context: CliContext): void {
  dlq
    .command('retry')
    .description('Process dead letters again, after the cause was fixed: the ones named, or all of them.')
    .argument('[ids...]', 'dead-letter ids, as `cdp dlq list` shows them')
    .option('--all', 'retry every dead letter')
    .action(async (ids: string[], flags: { all?: boolean }, command: Command) => {
      const target = retryTarget(ids, flags.all === true);
      const result = await withPlatform(command, context, (client) => client.retryDeadLetters(target));
      context.terminal.out(retryText(result));
      if (result.stillFailing > 0) {
        throw new CliError('CLI.DEAD_LETTERS_STILL_FAILING', `${formatCount(result.stillFailing)} dead letter(s) still fail: see why with \`cdp dlq list\`, fix the cause and retry.`);
      }
    });
}

/** Either ids or --all: one of them, not both. */
export function retryTarget(ids: readonly string[], all: boolean): RetryTarget {
  if (all && ids.length > 0) throw new UsageError('pass either dead-letter ids or --all, not both');
  if (all) return { all: true };
  if (ids.length === 0) throw new UsageError('name the dead letters to retry (their ids, from `cdp dlq list`) or pass --all');
  const notIds = ids.filter((id) => !/^\d+$/.test(id));
  if (notIds.length > 0) throw new UsageError(`dead-letter ids are numbers, as \`cdp dlq list\` shows them; not ${notIds.join(', ')}`);
  return { ids: [...new Set(ids)] };
}

/** The platform counts the letters it processed (`retried`) and those that failed again, apart. */
function attempted(result: RetryResult): number {
  return result.retried + result.stillFailing;
}

export function retryText(result: RetryResult): string {
  if (attempted(result) === 0) return 'Nothing to retry: there are no dead letters.';
  return `Retried ${formatCount(attempted(result))} dead letter(s): ${formatCount(result.retried)} processed, ${formatCount(result.stillFailing)} still failing.`;
}
