import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, renameSync, rmSync, statfsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { DURABLE_START_PARAMS, flushCommitsToDisk, flushFolderToDisk, flushToDisk } from './pglite-durability';
import { oneStatementAtATime, setLocal, type SqlClient } from './sql-client.port';

/** PGlite in this process, shared by the platform's own SQL and by TypeORM (`typeormDriver`). */
export interface PgliteDatabase {
  readonly client: SqlClient;
  /** A pg-compatible module for TypeORM's `driver` option; its connections take the session in turn. */
  readonly typeormDriver: { Pool: new () => unknown };
}

/**
 * PGlite is one Postgres session: a transaction begun by one caller would take in the statements
 * of every other. So every caller (a statement, a transaction, a TypeORM connection) takes the
 * session in turn, first come first served. `dataDir` persists it, each commit flushed to disk
 * (see pglite-durability.ts); without one it lives in memory.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<PgliteDatabase> {
  if (dataDir !== undefined && !existsSync(join(dataDir, 'PG_VERSION'))) await initialiseDataDir(dataDir);
  const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir, { startParams: [...DURABLE_START_PARAMS] }).catch((error: unknown) => {
    throw new Error(`PGlite could not open the data folder ${dataDir} (${(error as Error).message})${roomLeft(dataDir)}`, { cause: error });
  });
  if (dataDir !== undefined) flushCommitsToDisk(db);
  const turn = sessionTurns();
  const client: SqlClient = {
    query: (sql, params) => turn(() => db.query(sql, params as unknown[])) as never,
    transaction: (work, options) =>
      turn(() =>
        db.transaction(async (tx) => {
          const settings = setLocal(options?.settings);
          if (settings !== '') await tx.exec(settings);
          const executor = oneStatementAtATime({ query: (sql, params) => tx.query(sql, params as unknown[]) as never });
          return work(executor).catch(async (error: unknown) => {
            await executor.idle();
            throw error;
          });
        }),
      ),
    close: () => turn(() => db.close()),
  };
  class Pool extends EventEmitter {
    connect(callback: (error: Error | null, connection?: unknown, release?: () => void) => void): void {
      turn.hold().then((release) => {
        const connection = Object.assign(new EventEmitter(), {
          query: async (sql: string, params?: unknown[]) => {
            const result = await db.query(sql, params);
            return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, command: sql.trim().split(/\s/)[0].toUpperCase() };
          },
        });
        callback(null, connection, release);
      }, callback);
    }
    end(callback?: (error?: Error) => void): void {
      callback?.();
    }
  }
  return { client, typeormDriver: { Pool } };
}

/**
 * Creates a new data folder in a child process. A PGlite instance that has just run initdb keeps
 * about 430 MB more (PGlite 0.5.16) than one opened on a folder that exists, and a closed one is
 * let go only when the garbage collector comes by, which an idle platform may not need for hours.
 * It is made beside its place and moved in once whole, so that a process killed while it made one
 * leaves no half-made folder for the next start to open; and the child stops when its parent dies,
 * so that no orphan goes on writing beside the next start's own.
 */
async function initialiseDataDir(dataDir: string): Promise<void> {
  const building = `${dataDir}${BUILDING}${process.pid}`;
  removeAbandonedBuilds(dataDir);
  const env = { ...process.env, PGLITE_MODULE: require.resolve('@electric-sql/pglite'), PGLITE_DIR: building, CDP_PARENT_PID: String(process.pid) };
  try {
    await promisify(execFile)(process.execPath, ['-e', INITIALISE_IN_CHILD], { env }).catch((error: { stderr?: string }) => {
      throw new Error(`could not create the PGlite data folder ${dataDir} (${error.stderr?.trim() || String(error)}): check that it can be created and written to, or choose another folder${roomLeft(dirname(dataDir))}`);
    });
    try {
      renameSync(building, dataDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new Error(`the PGlite data folder ${dataDir} holds files but no PG_VERSION, so it is no database: remove it if it holds nothing you need, and start again`);
    }
    flushFolderToDisk(dataDir);
    flushToDisk(dirname(dataDir));
  } finally {
    if (existsSync(building)) rmSync(building, { recursive: true, force: true });
  }
}

const BUILDING = '.new-';

/**
 * What starts killed while they made the folder left beside it. No live start is making one: the
 * data folder's lock keeps other starts out, and the maker of a start that died stops by itself.
 */
function removeAbandonedBuilds(dataDir: string): void {
  const prefix = `${basename(dataDir)}${BUILDING}`;
  let names: string[];
  try {
    names = readdirSync(dirname(dataDir));
  } catch {
    return; // no folder to look in yet: making the data folder says what is wrong
  }
  for (const name of names) if (name.startsWith(prefix)) rmSync(join(dirname(dataDir), name), { recursive: true, force: true });
}

const INITIALISE_IN_CHILD = `
const parent = Number(process.env.CDP_PARENT_PID);
setInterval(() => process.ppid !== parent && process.exit(1), 100).unref();
require(process.env.PGLITE_MODULE)
  .PGlite.create(process.env.PGLITE_DIR)
  .then((db) => db.close())
  .catch((error) => {
    // PGlite may throw what is not an Error (an Emscripten exit status).
    process.stderr.write(String(error?.message ?? JSON.stringify(error)));
    process.exit(1);
  });
`;

/**
 * What to look at when PGlite fails to open a folder: its errors from inside WebAssembly ("Aborted()",
 * "PGlite failed to initialize properly") name neither the folder nor the cause, which is most often
 * a full disk or too few file descriptors.
 */
function roomLeft(dataDir: string): string {
  try {
    const { bavail, bsize } = statfsSync(dataDir);
    const freeMiB = Math.floor((bavail * bsize) / (1024 * 1024));
    return `: its disk has ${freeMiB.toLocaleString('en-US')} MiB free${freeMiB < 64 ? ', too little: free some space there' : ''}; check too that the process may open enough files (ulimit -n, at least 1024)`;
  } catch {
    return '';
  }
}

/** A SqlClient over PGlite, for callers that need no TypeORM. */
export async function createPgliteSqlClient(dataDir?: string): Promise<SqlClient> {
  return (await openPgliteDatabase(dataDir)).client;
}

function sessionTurns() {
  let last: Promise<unknown> = Promise.resolve();
  const hold = (): Promise<() => void> => {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const ready = last.then(() => release);
    last = last.then(() => done);
    return ready;
  };
  const turn = async <T>(work: () => Promise<T>): Promise<T> => {
    const release = await hold();
    try {
      return await work();
    } finally {
      release();
    }
  };
  return Object.assign(turn, { hold });
}
