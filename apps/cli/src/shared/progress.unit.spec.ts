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
    // eslint-disable-next-line no-control-regex -- a redraw's escape code ends each line of the bar
    const rates = [...drawn.matchAll(/\| ([\d,…]+) events\/s \| ETA ([^\n\r]*?)\s*(?:\x1b|$)/gm)].map((match) => [match[1], match[2]]);
    expect(rates[0][0]).toBe('…');
    // 1,000 events in about 1.3 s, whatever the machine's load, not 400,000 in an instant; and not 2 s left for the 599,000 to go.
    const [lastRate, lastEta] = rates.at(-1)!;
    expect(Number(lastRate.replace(/,/g, ''))).toBeLessThan(2_000);
    expect(lastEta).not.toMatch(/^\d+ s$/);
  });
});
