import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../program';
import { capturingTerminal } from '../testing/fake-platform';

describe('cdp without a running platform (embedded)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdp-cli-offline-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('opens the data folder itself, answers, and lets it go', async () => {
    const run = async (args: string[]) => {
      const terminal = capturingTerminal();
      const env = { CDP_DATA_DIR: dataDir, PORT: '39999' /* nothing listens there */, CDP_MODE: 'embedded' };
      const code = await runCli(args, { terminal, env, fetch, now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
      return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
    };

    const status = await run(['projections', 'status']);
    expect(status).toMatchObject({ code: 0, stderr: `No platform is running: opening the data in ${dataDir} in this process.` });
    expect(status.stdout).toMatch(/^customers\s+running/m);
    // The folder was released: a second command can open it again.
    expect(await run(['dlq', 'list'])).toMatchObject({ code: 0, stdout: expect.stringContaining('No dead letters') });
  });
});
