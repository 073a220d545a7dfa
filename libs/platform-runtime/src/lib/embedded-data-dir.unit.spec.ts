import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { warnOfMissingData } from './embedded-data-dir';

describe('the embedded data folder at start', () => {
  const folder = mkdtempSync(join(tmpdir(), 'cdp-data-dir-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const warnings = () => {
    const said: string[] = [];
    warnOfMissingData(folder, (message) => said.push(message));
    return said;
  };

  it('says when it starts a new, empty platform, when analytics is missing, and nothing for a whole folder', () => {
    expect(warnings()).toEqual([expect.stringContaining('starting a new, empty platform there')]);
    mkdirSync(join(folder, 'pg'));
    expect(warnings()).toEqual([expect.stringContaining('cdp projections rebuild analytics')]);
    mkdirSync(join(folder, 'ch'));
    expect(warnings()).toEqual([]);
  });
});
