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
  // The bar starts at its first figure: one that starts following work under way (a rebuild) would
  // otherwise count what was done before as done in its first instant, in its rate and its ETA.
  let first: { readonly at: number; readonly done: number } | undefined;
  let currentTotal = total;
  const payload = (done: number) => {
    const seconds = first === undefined ? 0 : (Date.now() - first.at) / 1000;
    return { done: formatCount(done), all: formatCount(currentTotal), rate: first === undefined || seconds < 1 ? '…' : formatCount((done - first.done) / seconds) };
  };
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) currentTotal = newTotal;
      if (first === undefined) {
        bar.start(currentTotal, done, payload(done));
        first = { at: Date.now(), done };
        return;
      }
      bar.setTotal(currentTotal);
      bar.update(done, payload(done));
    },
    stop: () => void (first !== undefined && bar.stop()),
  };
}
