import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSettings, startHttpProcess } from '@cdp/platform-runtime';
import { runCli } from '../program';
import { processContext } from './cli-context';
import { capturingTerminal } from '../testing/fake-platform';

describe('cdp without a running platform (embedded)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdp-cli-offline-'));
  // The data folder of a platform that ran once and stopped.
  beforeAll(async () => (await startHttpProcess(readSettings({ CDP_MODE: 'embedded', PORT: '0', CDP_DATA_DIR: dataDir }), [])).close(), 60_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const terminal = capturingTerminal();
    const env = { CDP_DATA_DIR: dataDir, PORT: '29999' /* nothing listens there, and below the ports the system hands out to connections */, CDP_MODE: 'embedded' };
    const code = await runCli(args, { ...processContext, terminal, env });
    return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
  };

  it('opens the data folder itself, answers, and lets it go', async () => {
    const status = await run(['projections', 'status']);
    expect(status).toMatchObject({ code: 0, stderr: `No platform answers at http://localhost:29999: opening the data in ${dataDir} in this process (half a minute or so; its projections run meanwhile).` });
    expect(status.stdout).toMatch(/^customers\s+running/m);
    // The folder was released: a second command can open it again.
    expect(await run(['dlq', 'list'])).toMatchObject({ code: 0, stdout: expect.stringContaining('No dead letters') });
  });

  it('says to give the address of the platform that holds the data folder, when it does not answer where it was looked for', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    const lockFile = join(dataDir, 'platform.pid');
    try {
      writeFileSync(lockFile, String(holder.pid));
      expect(await run(['projections', 'status'])).toMatchObject({
        code: 75,
        stderr: expect.stringContaining(`but the platform process ${holder.pid} holds the data in ${dataDir}: give its address with --url or CDP_URL`),
      });
    } finally {
      holder.kill();
      rmSync(lockFile, { force: true });
    }
  });

  it('waits for another cdp command that has the data folder open, as two overlapping cron jobs would, then opens it', async () => {
    const scripts = mkdtempSync(join(tmpdir(), 'cdp-cli-holder-'));
    writeFileSync(join(scripts, 'cdp.js'), 'setTimeout(() => {}, 1_500);');
    const holder = spawn(process.execPath, [join(scripts, 'cdp.js'), 'projections', 'rebuild', 'customers']);
    const lockFile = join(dataDir, 'platform.pid');
    try {
      writeFileSync(lockFile, String(holder.pid));
      const status = await run(['projections', 'status']);
      expect(status.code).toBe(0);
      expect(status.stderr).toContain(`Another cdp command (process ${holder.pid}: ${process.execPath} ${join(scripts, 'cdp.js')} projections rebuild customers) has the data folder open: waiting for it to finish (up to 2 min).`);
      expect(status.stdout).toMatch(/^customers\s+running/m);
    } finally {
      holder.kill();
      rmSync(lockFile, { force: true });
      rmSync(scripts, { recursive: true, force: true });
    }
  }, 60_000);

  it('queries the analytics tables read-only and runs RFM, through the platform it opens', async () => {
    const sql = await run(['sql', 'SELECT count() AS touchpoints FROM touchpoints']);
    expect(sql).toMatchObject({ code: 0 });
    expect(sql.stdout.split('\n').map((line) => line.trim())).toEqual(['touchpoints', '-----------', '0', '(1 row)']);

    const refused = await run(['sql', 'DROP TABLE touchpoints']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ClickHouse refused the query/);

    const rfm = await run(['rfm', 'run', '--as-of', '2026-11-01T00:00:00Z', '--window', 'all']);
    expect(rfm).toMatchObject({ code: 0 });
    expect(rfm.stdout).toMatch(/0 customers scored as of .* over all purchases \(monetary in IRR\)/);
  });
});
