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

  it("keeps out of a folder whose lock an older version wrote, the process id alone", () => {
    rmSync(join(original, 'platform.pid.folder'));
    expect(() => lockDataDir(original)).toThrow(DataDirInUseError);
  });
});
