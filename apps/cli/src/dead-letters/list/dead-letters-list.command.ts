import type { Command } from 'commander';
import type { DeadLetter } from '../../platform-client/admin-api';
import type { CliContext } from '../../shared/cli-context';
import { withPlatform } from '../../shared/with-platform';
import { formatInstant, formatTable, truncate } from '../../shared/format';

export function registerDeadLettersListCommand(dlq: Command, context: CliContext): void {
  dlq
    .command('list')
    .description('List the events that projections could not process, with the reason.')
    .option('--json', 'print the answer of the admin API as JSON')
    .action(async (flags: { json?: boolean }, command: Command) => {
      const deadLetters = await withPlatform(command, context, (client) => client.deadLetters());
      context.terminal.out(flags.json ? JSON.stringify({ deadLetters }, null, 2) : deadLettersText(deadLetters));
    });
}

export function deadLettersText(deadLetters: readonly DeadLetter[]): string {
  if (deadLetters.length === 0) return 'No dead letters: every projection processed every event it read.';
  const table = formatTable(
    ['ID', 'PROJECTION', 'EVENT', 'STREAM', 'FAILED AT', 'HELD', 'ERROR'],
    deadLetters.map((d) => [d.id, d.projection, d.eventId, truncate(d.streamId, 40), formatInstant(d.failedAt), d.held ? 'yes' : 'no', truncate(d.error, 80)]),
  );
  return `${table}\n\nAfter fixing the cause: \`cdp dlq retry <id...>\` or \`cdp dlq retry --all\`.`;
}
