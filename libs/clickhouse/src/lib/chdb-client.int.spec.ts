import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describeClickHouseClientContract, openThrowawayChdbClient } from '../testing';
import { openChdbClient } from './chdb-client';

describeClickHouseClientContract('chDB', openThrowawayChdbClient);

describe('chDB client', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cdp-chdb-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs the 26.x engine, and keeps tables in its folder from one client to the next', async () => {
    const first = await openChdbClient({ dir, database: 'analytics' });
    expect(await first.version()).toMatch(/^26\./);
    await first.command('CREATE TABLE kept (n UInt32) ENGINE = MergeTree ORDER BY n');
    await first.insert('kept', [{ n: 1 }, { n: 2 }]);
    await first.close();

    const second = await openChdbClient({ dir, database: 'analytics' });
    expect(await second.query('SELECT sum(n) AS total FROM kept')).toEqual([{ total: '3' }]);
    await second.close();
  });

  it('opens a second folder in the same process only once the first is closed', async () => {
    const client = await openChdbClient({ dir, database: 'analytics' });
    const other = join(dir, 'other');
    await expect(openChdbClient({ dir: other, database: 'analytics' })).rejects.toThrow(/one active data directory per process/);
    await client.close();

    const reopened = await openChdbClient({ dir: other, database: 'analytics' });
    await reopened.close();
  });

  it("reads and writes times in UTC whatever the host's time zone, as the docs promise analysts", async () => {
    const folder = join(dir, 'zoned');
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', './tools/register.js', '-e', NOW_IN_CHILD], {
      cwd: resolve(__dirname, '../../../..'),
      env: { ...process.env, CHDB_DIR: folder, TZ: 'Asia/Tehran' },
    });
    // 1764975600 is 2025-12-05T23:00:00Z: 2025-12-06 in Tehran, 3:30 ahead.
    const utc = JSON.stringify([{ epoch: '1970-01-01 00:00:00', day: '2025-12-05' }]);
    expect(stdout.trim().split('\n')).toEqual([utc, utc]);
  });

  it('tells a second process that another process holds the folder, and what to do', async () => {
    const client = await openChdbClient({ dir, database: 'analytics' });
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['-r', './tools/register.js', '-e', OPEN_IN_CHILD], {
        cwd: resolve(__dirname, '../../../..'),
        env: { ...process.env, CHDB_DIR: dir },
      });
      expect(stdout).toContain('CLICKHOUSE.DATA_FOLDER_LOCKED');
      expect(stdout).toContain(`another process (pid ${process.pid}) holds the chDB data folder ${dir}`);
      expect(stdout).toContain('go through the running platform');
    } finally {
      await client.close();
    }
  });
});

const NOW_IN_CHILD = `
require('./libs/clickhouse/src/lib/chdb-client')
  .openChdbClient({ dir: process.env.CHDB_DIR, database: 'analytics' })
  .then(async (client) => {
    for (const readonly of [false, true]) {
      console.log(JSON.stringify(await client.query("SELECT toString(toDateTime(0)) AS epoch, toString(toDate(toDateTime(1764975600))) AS day", { readonly })));
    }
    await client.close();
  })
  .finally(() => process.exit());
`;

const OPEN_IN_CHILD = `
require('./libs/clickhouse/src/lib/chdb-client')
  .openChdbClient({ dir: process.env.CHDB_DIR, database: 'analytics' })
  .then(() => console.log('opened'), (error) => console.log(error.code, error.message))
  .finally(() => process.exit());
`;
