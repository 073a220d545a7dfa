import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDataDirPrivate } from './private-data-dir';

describe('the embedded data folder', () => {
  const parent = mkdtempSync(join(tmpdir(), 'cdp-private-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));
  const mode = (folder: string) => statSync(folder).mode & 0o777;

  it('is made reachable by its owner only, and so is an existing one', () => {
    const fresh = join(parent, 'fresh', 'data');
    makeDataDirPrivate(fresh);
    expect(mode(fresh)).toBe(0o700);

    const existing = join(parent, 'existing');
    mkdirSync(existing, { mode: 0o755 });
    makeDataDirPrivate(existing);
    expect(mode(existing)).toBe(0o700);
  });
});
