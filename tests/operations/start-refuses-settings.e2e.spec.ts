import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** A process started with a setting it cannot take ends with one line that says which and why, and exit code 1: no stack trace. */
describe('a process refuses its settings at start', () => {
  it.each(['apps/platform/src/main.ts', 'apps/projector/src/main.ts'])('%s', (main) => {
    const started = spawnSync(process.execPath, ['-r', './tools/register.js', main], {
      cwd: ROOT,
      env: { ...process.env, CDP_MODE: 'bogus', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${started.stdout}${started.stderr}`;
    expect(started.status).toBe(1);
    expect(output).toContain('cannot start: CDP_MODE=bogus: use "embedded" (the default) or "servers"');
    expect(output).not.toMatch(/^\s+at /m);
  }, 70_000);
});
