import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, lockDataDir } from './data-dir-lock';

describe('the data folder lock', () => {
  const parent = mkdtempSync(join(tmpdir(), 'cdp-lock-'));
  const original = join(parent, 'data');
  const copy = join(parent, 'data-copy');
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  beforeAll(() => mkdirSync(original));
  afterAll(() => {
    holder.kill();
    rmSync(parent, { recursive: true, force: true });
  });

  it('refuses a folder a live process holds, and takes over the lock a copy of that folder carries', () => {
    const { dev, ino } = statSync(original);
    writeFileSync(join(original, 'platform.pid'), String(holder.pid));
    writeFileSync(join(original, 'platform.pid.folder'), `${dev}:${ino}`);
    cpSync(original, copy, { recursive: true });

    expect(() => lockDataDir(original)).toThrow(DataDirInUseError);
    const release = lockDataDir(copy);
    expect(readFileSync(join(copy, 'platform.pid'), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('names a cdp command that holds the folder as such, and says to wait for it', async () => {
    const cdp = join(parent, 'cdp.js');
    writeFileSync(cdp, 'setTimeout(() => {}, 60_000)');
    const command = spawn(process.execPath, [cdp, 'projections', 'status']);
    try {
      // Until the child has exec'd, /proc shows the parent's command line.
      for (let tries = 0; tries < 500 && !readFileSync(`/proc/${command.pid}/cmdline`, 'utf8').includes(cdp); tries++) await new Promise((resolve) => setTimeout(resolve, 10));
      writeFileSync(join(original, 'platform.pid'), String(command.pid));
      expect(() => lockDataDir(original)).toThrow(
        `${original} is in use by a cdp command that opened it itself (process ${command.pid}: ${process.execPath} ${cdp} projections status). Wait for it to end, or stop it, then start again.`,
      );
      writeFileSync(join(original, 'platform.pid'), String(holder.pid));
      expect(() => lockDataDir(original)).toThrow(`${original} is in use by the platform process ${holder.pid}. Stop it first`);
    } finally {
      command.kill();
    }
  });

  it("keeps out of a folder whose lock an older version wrote, the process id alone", () => {
    rmSync(join(original, 'platform.pid.folder'));
    expect(() => lockDataDir(original)).toThrow(DataDirInUseError);
  });
});
