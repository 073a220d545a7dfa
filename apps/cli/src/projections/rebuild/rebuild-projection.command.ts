import type { Command } from 'commander';
import type { CliContext } from '../../shared/cli-context';
import { withPlatform } from '../../shared/with-platform';
import { formatCount, formatDuration, formatRate } from '../../shared/format';
import { pollInterval } from '../../shared/options';
import { progressBar, type Progress } from '../../shared/progress';
import { rebuildProjection } from './rebuild-projection';

export function registerRebuildProjectionCommand(projections: Command, context: CliContext): void {
  projections
    .command('rebuild')
    .description('Rebuild a projection from the event log, following its progress until it is done.')
    .argument('<name>', 'the projection, as `cdp projections status` names it')
    .option('--interval <seconds>', 'how often to ask for progress (0.1 to 3600)', pollInterval, 0.5)
    .action(async (name: string, flags: { interval: number }, command: Command) => {
      const { terminal } = context;
      let bar: Progress | undefined;
      const result = await withPlatform(command, context, (client) => rebuildProjection(name, {
        client,
        intervalMs: flags.interval * 1000,
        sleep: context.sleep,
        onStarted: (rebuildId, alreadyRunning) =>
          terminal.err(alreadyRunning ? `A rebuild of ${name} is already running (rebuild ${rebuildId}): following it …` : `Rebuilding ${name} (rebuild ${rebuildId}) …`),
        onBusy: () => terminal.err('the platform is busy and did not answer; still following the rebuild …'),
        onProgress: (progress) => {
          // Until the rebuild has counted the log, its total is 0, and a bar would show 100%.
          if (progress.total === 0) return;
          bar ??= progressBar(terminal, `Rebuilding ${name}`, 'events', progress.total);
          bar.update(progress.processed, progress.total);
        },
      })).finally(() => bar?.stop());
      terminal.out(`Rebuilt ${name}: ${formatCount(result.processed)} events in ${formatDuration(result.elapsedMs)} (${formatRate(result.processed, result.elapsedMs, 'events')}).`);
    });
}
