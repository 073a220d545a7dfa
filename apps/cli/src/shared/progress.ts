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
export function progressBar(terminal: Terminal, label: string, unit: string, total: number): Progress {
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
  // The rate of what the bar saw done, from its first figure: a bar that starts following work under way
  // (a rebuild) would otherwise count what was done before as done in its first instant.
  let first: { readonly at: number; readonly done: number } | undefined;
  const rate = (done: number) => {
    const now = Date.now();
    first ??= { at: now, done };
    const seconds = (now - first.at) / 1000;
    return seconds < 1 ? '…' : formatCount((done - first.done) / seconds);
  };
  const payload = (done: number, all: number) => ({ done: formatCount(done), all: formatCount(all), rate: rate(done) });
  let currentTotal = total;
  bar.start(total, 0, { done: formatCount(0), all: formatCount(total), rate: '…' });
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
