import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createPgliteSqlClient } from './pglite-sql-client';

describe('PGlite on a data folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdp-pglite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a new folder and keeps what was written in it across a reopen', async () => {
    const first = await createPgliteSqlClient(join(dir, 'pg'));
    await first.query(`CREATE TABLE notes (id int PRIMARY KEY, note text)`);
    await first.query(`INSERT INTO notes VALUES (1, 'no spicy sauce')`);
    await first.close();

    const reopened = await createPgliteSqlClient(join(dir, 'pg'));
    try {
      expect((await reopened.query<{ note: string }>(`SELECT note FROM notes`)).rows).toEqual([{ note: 'no spicy sauce' }]);
    } finally {
      await reopened.close();
    }
  });

  it('flushes a new folder to disk as it is created, every file of it', async () => {
    const synced = new Set<string>();
    const fsyncSync = jest.spyOn(fs, 'fsyncSync').mockImplementation((fd) => void synced.add(fs.readlinkSync(`/proc/self/fd/${fd}`)));
    try {
      const db = await createPgliteSqlClient(join(dir, 'pg'));
      await db.close();
    } finally {
      fsyncSync.mockRestore();
    }
    expect(synced).toContain(join(dir, 'pg', 'PG_VERSION'));
    expect(synced).toContain(join(dir, 'pg', 'global', 'pg_control'));
    expect(synced).toContain(join(dir, 'pg'));
  });

  it('flushes each commit to disk before it returns: fsync on, and the WAL file synced', async () => {
    const db = await createPgliteSqlClient(join(dir, 'pg'));
    const synced: string[] = [];
    const fsyncSync = jest.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
      // What the file descriptor names, read before it is closed.
      synced.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
    });
    try {
      expect((await db.query<{ fsync: string }>('SHOW fsync')).rows).toEqual([{ fsync: 'on' }]);
      await db.query(`CREATE TABLE notes (id int PRIMARY KEY, note text)`);
      synced.length = 0;
      await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO notes VALUES (1, 'no spicy sauce')`);
      });
      expect(synced).toEqual([expect.stringMatching(new RegExp(`^${dir}/pg/pg_wal/[0-9A-F]{24}$`))]);
    } finally {
      fsyncSync.mockRestore();
      await db.close();
    }
  });

  it('makes a new folder beside its place and moves it in whole, removing what a start killed while making one left', async () => {
    const abandoned = join(dir, `pg.new-${process.pid + 1}`);
    mkdirSync(join(abandoned, 'base'), { recursive: true });
    const db = await createPgliteSqlClient(join(dir, 'pg'));
    await db.close();
    expect(readdirSync(dir).sort()).toEqual(['pg']);
  });

  it('stops making a folder when the process that asked for it dies, leaving none in its place', async () => {
    // How long making one takes on this machine now: an orphan left to finish would live about that long.
    const making = Date.now();
    await (await createPgliteSqlClient(join(dir, 'timed'))).close();
    const makingMs = Date.now() - making;
    const parent = spawn(process.execPath, ['-r', './tools/register.js', '-e', OPEN_IN_CHILD], { cwd: resolve(__dirname, '../../../..'), env: { ...process.env, PGLITE_DIR: join(dir, 'pg') } });
    const child = await waitFor(async () => (await promisify(execFile)('pgrep', ['-P', String(parent.pid)]).catch(() => ({ stdout: '' }))).stdout.trim());
    parent.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(async () => {
      try {
        process.kill(Number(child), 0);
        return '';
      } catch {
        return 'gone';
      }
    });
    expect(Date.now() - killedAt).toBeLessThan(makingMs * 0.75);
    expect(readdirSync(dir).filter((name) => name === 'pg')).toEqual([]);
  });

  it('says which folder it could not create, and what to do, when the folder cannot be made', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    await expect(createPgliteSqlClient(join(blocker, 'pg'))).rejects.toThrow(
      new RegExp(`could not create the PGlite data folder ${blocker}/pg \\(ENOTDIR: .+\\): check that it can be created and written to`),
    );
  });

  it('holds no more memory after creating a folder than after opening one that exists', async () => {
    // In a process of its own, so that nothing else this worker holds is counted.
    const externalMiB = async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '-r', './tools/register.js', '-e', OPEN_IN_CHILD], {
        cwd: resolve(__dirname, '../../../..'),
        env: { ...process.env, PGLITE_DIR: join(dir, 'pg') },
      });
      return Number(stdout.trim());
    };
    const created = await externalMiB();
    const opened = await externalMiB();
    // PGlite 0.5.16 kept about 430 MiB more for the life of an instance that had just run initdb.
    expect(created).toBeLessThan(opened + 100);
    expect(opened).toBeGreaterThan(0);
  }, 60_000);
});

const OPEN_IN_CHILD = `
require('./libs/sql/src/lib/pglite-sql-client')
  .createPgliteSqlClient(process.env.PGLITE_DIR)
  .then(async (sql) => {
    await sql.query('SELECT 1');
    // Collected first (which takes a turn of the event loop), so that only what is still held counts.
    for (const _ of [1, 2]) {
      global.gc();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(Math.round(process.memoryUsage().external / 1048576));
    await sql.close();
  })
  .finally(() => process.exit());
`;

/** What `probe` gives once it gives something, asked every 20 ms for up to 10 s. */
async function waitFor(probe: () => Promise<string>): Promise<string> {
  for (const started = Date.now(); Date.now() - started < 10_000; await new Promise((resolve) => setTimeout(resolve, 20))) {
    const found = await probe();
    if (found !== '') return found;
  }
  throw new Error('waited 10 s in vain');
}
