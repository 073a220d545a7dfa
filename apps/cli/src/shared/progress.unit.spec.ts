import { PassThrough } from 'node:stream';
import { progressBar } from './progress';
import type { Terminal } from './terminal';

describe('the progress bar', () => {
  it("counts its rate from its first figure, so that following work under way does not show what was done before as done at once", async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    let drawn = '';
    stream.on('data', (chunk) => (drawn += String(chunk)));
    const terminal = { out: () => undefined, err: () => undefined, progress: stream as unknown as NodeJS.WriteStream } satisfies Terminal;
    const bar = progressBar(terminal, 'Rebuilding customers', 'events', 1_000_000);
    bar.update(400_000);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    bar.update(401_000);
    bar.stop();
    const rates = [...drawn.matchAll(/\| ([\d,…]+) events\/s/g)].map((match) => match[1]);
    expect(rates[0]).toBe('…');
    const last = Number(rates.at(-1)!.replace(/,/g, ''));
    expect(last).toBeGreaterThan(500);
    expect(last).toBeLessThan(1_000);
  });
});
