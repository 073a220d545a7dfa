import { SingleBar } from 'cli-progress';
import { formatCount, formatTimeLeft } from './format';
import type { Terminal } from './terminal';

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr, with a rate, when someone watches a terminal; otherwise nothing, so
 * that logs and pipes get only the final summary.
 */
export function progressBar(terminal: Terminal, label: string, unit: string, total: number, startedAt: number = Date.now()): Progress {
  const stream = terminal.progress;
  if (!stream) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    stream,
    format: `${label} |{bar}| {percentage}% | {done}/{all} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    etaBuffer: 20,
    formatTime: formatTimeLeft,
    fps: 5,
  });
  const payload = (done: number, all: number) => ({
    done: formatCount(done),
    all: formatCount(all),
    rate: formatCount(done / Math.max(0.001, (Date.now() - startedAt) / 1000)),
  });
  let currentTotal = total;
  bar.start(total, 0, payload(0, total));
  return {
    update(done, newTotal) {
      if (newTotal !== undefined && newTotal !== currentTotal) {
        currentTotal = newTotal;
        bar.setTotal(newTotal);
      }
      bar.update(done, payload(done, currentTotal));
    },
    stop: () => bar.stop(),
  };
}
