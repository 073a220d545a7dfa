import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { SQL } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { rebuildAndWait } from '../support/admin-client';
import { startPlatformUnderTest } from '../support/platform-under-test';

/**
 * A process killed while rebuilding leaves its claim on the aside tables. In embedded mode the
 * data folder admits one process, so the next one to open it lets go of such a claim at start,
 * where a rebuild was refused for a minute, naming a process that was gone.
 */
describe('a rebuild after a restart (embedded)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdp-rebuild-claim-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("runs at once, though a dead process's claim on the aside tables had not run out", async () => {
    const first = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { CDP_DATA_DIR: dataDir });
    await first.app
      .get<SqlClient>(SQL)
      .query(`INSERT INTO projections.owners (projection, owner, expires_at) VALUES ('customers@rebuild', 'rebuild:killed', now() + interval '1 minute')`);
    await first.close();

    const next = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { CDP_DATA_DIR: dataDir });
    try {
      expect(await rebuildAndWait(next.url, 60_000)).toMatchObject({ state: 'done' });
    } finally {
      await next.close();
    }
  }, 120_000);
});
