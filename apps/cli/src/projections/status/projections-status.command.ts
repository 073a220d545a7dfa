import type { Command } from 'commander';
import type { ProjectionStatus } from '../../platform-client/admin-api';
import type { CliContext } from '../../shared/cli-context';
import { withPlatform } from '../../shared/with-platform';
import { formatCount, formatInstant, formatTable, truncate } from '../../shared/format';

export function registerProjectionsStatusCommand(projections: Command, context: CliContext): void {
  projections
    .command('status')
    .description('Show every projection: its state, events processed, lag behind the log, dead letters and checkpoint.')
    .option('--json', 'print the answer of the admin API as JSON')
    .action(async (flags: { json?: boolean }, command: Command) => {
      const list = await withPlatform(command, context, (client) => client.projections());
      context.terminal.out(flags.json ? JSON.stringify({ projections: list }, null, 2) : projectionsStatusText(list));
    });
}

export function projectionsStatusText(projections: readonly ProjectionStatus[]): string {
  if (projections.length === 0) return 'No projections are registered in the platform.';
  // Where processes share a projection's partitions (servers mode), which of them the process asked projects.
  const shared = projections.some((p) => Array.isArray(p.partitions));
  const table = formatTable(
    ['NAME', 'STATE', 'PROCESSED', 'LAG', 'DEAD LETTERS', ...(shared ? ['PARTITIONS HERE'] : []), 'CHECKPOINT'],
    projections.map((p) => [
      p.name,
      p.state,
      formatCount(p.processed),
      p.lag === null || p.lag === undefined ? '-' : formatCount(p.lag),
      formatCount(p.deadLetters),
      ...(shared ? [partitionsText(p.partitions)] : []),
      truncate(p.checkpoint ? JSON.stringify(p.checkpoint) : '-', 60),
    ]),
  );
  const troubles = projections.flatMap((p) => (p.reason ? [`${p.name} is ${p.state}${p.since ? ` since ${formatInstant(p.since)}` : ''}: ${p.reason}`] : []));
  const dead = projections.reduce((sum, p) => sum + p.deadLetters, 0);
  const notes = [...troubles, ...(dead > 0 ? [`${formatCount(dead)} dead letter(s): see them with \`cdp dlq list\`.`] : [])];
  return notes.length > 0 ? `${table}\n\n${notes.join('\n')}` : table;
}

/** "0,2,4" for partitions of one topic, each "<topic>/<n>" when of several; "-" where the log is not shared, "none" for none. */
function partitionsText(partitions: readonly string[] | null | undefined): string {
  if (!Array.isArray(partitions)) return '-';
  if (partitions.length === 0) return 'none';
  const topics = new Set(partitions.map((key) => key.slice(0, key.lastIndexOf('/'))));
  return truncate(topics.size === 1 ? partitions.map((key) => key.slice(key.lastIndexOf('/') + 1)).join(',') : partitions.join(','), 40);
}
