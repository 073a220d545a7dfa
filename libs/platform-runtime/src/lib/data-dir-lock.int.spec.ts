import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, lockDataDir } from './data-dir-lock';

describe('the data folder lock', () => {
  const parent = mkdtempSync(join(tmpdir(), 'cdp-lock-'));
  const original = join(parent, 'data');
  const copy = join(parent, 'data-copy');
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  beforeAll(() => [original, copy].forEach((dir) => mkdirSync(dir)));
  afterAll(() => {
    holder.kill();
    rmSync(parent, { recursive: true, force: true });
  });

  it('refuses a folder a live process holds, and takes over the lock a copy of that folder carries', () => {
    const lock = `${holder.pid}\n${realpathSync(original)}\n`;
    writeFileSync(join(original, 'platform.pid'), lock);
    writeFileSync(join(copy, 'platform.pid'), lock);

    expect(() => lockDataDir(original)).toThrow(DataDirInUseError);
    const release = lockDataDir(copy);
    expect(readFileSync(join(copy, 'platform.pid'), 'utf8')).toBe(`${process.pid}\n${realpathSync(copy)}\n`);
    release();
  });
});
