import type { Command } from 'commander';
import type { CliContext } from '../../shared/cli-context';
import { CliError } from '../../shared/cli-error';
import { formatTable } from '../../shared/format';
import { withPlatform } from '../../shared/with-platform';

export function registerSqlCommand(program: Command, context: CliContext): void {
  program
    .command('sql')
    .description('Run one read-only query on the analytics tables (ClickHouse; chDB in embedded mode) and print a table. See docs/analytics.md.')
    .argument('<query>', 'the query, e.g. "SELECT * FROM revenue_daily ORDER BY day DESC LIMIT 7"')
    .option('--json', 'print the rows as JSON')
    .action(async (query: string, flags: { json?: boolean }, command: Command) => {
      const { rows, truncated } = await withPlatform(command, context, (client) => client.analyticsQuery(query));
      context.terminal.out(flags.json ? JSON.stringify(rows, null, 2) : rowsText(rows, truncated));
      // An export cut short must not look complete to the script that saved it: the rows are printed, and the command fails.
      if (truncated) {
        throw new CliError('CLI.ROWS_CUT_OFF', `only the first ${rows.length} rows were printed; more were cut off: add a LIMIT, or export in parts with WHERE ranges`);
      }
    });
}

export function rowsText(rows: readonly Record<string, unknown>[], truncated: boolean): string {
  if (rows.length === 0) return '(no rows)';
  const columns = Object.keys(rows[0]);
  const table = formatTable(columns, rows.map((row) => columns.map((c) => cellText(row[c]))));
  return `${table}\n(${rows.length} row${rows.length === 1 ? '' : 's'}${truncated ? '; more were cut off: add a LIMIT' : ''})`;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
