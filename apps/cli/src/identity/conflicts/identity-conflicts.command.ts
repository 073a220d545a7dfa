import type { Command } from 'commander';
import type { IdentityConflict } from '@cdp/customer-projection';
import type { CliContext } from '../../shared/cli-context';
import { withPlatform } from '../../shared/with-platform';
import { formatInstant, formatTable } from '../../shared/format';
import { wholeNumber } from '../../shared/options';

export function registerIdentityConflictsCommand(identity: Command, context: CliContext): void {
  identity
    .command('conflicts')
    .description('List the merges and identifier links the identity guardrails refused, newest first.')
    .option('--limit <n>', 'how many to show (1 to 1,000)', wholeNumber(1, 1000), 100)
    .option('--before <cursor>', 'the next page: the cursor the previous page printed')
    .option('--json', 'print the answer of the admin API as JSON')
    .action(async (flags: { limit: number; before?: string; json?: boolean }, command: Command) => {
      const page = await withPlatform(command, context, (client) => client.identityConflicts(flags.limit, flags.before));
      if (flags.json) return context.terminal.out(JSON.stringify(page, null, 2));
      const more = page.next === null ? '' : `\nMore follow, older: npx cdp identity conflicts --limit ${flags.limit} --before ${page.next}`;
      context.terminal.out(conflictsText(page.conflicts) + more);
    });
}

export function conflictsText(conflicts: readonly IdentityConflict[]): string {
  if (conflicts.length === 0) return 'No identity conflicts: no guardrail has refused a merge or a link.';
  return formatTable(
    ['OCCURRED AT', 'IDENTIFIER', 'REASON', 'LANDED ON', 'NOT MERGED WITH', 'TOUCHPOINT'],
    conflicts.map((c) => [formatInstant(c.occurredAt), c.identifier, c.reason, c.customerId, c.conflictingCustomerId ?? '(new link refused)', c.eventId]),
  );
}
