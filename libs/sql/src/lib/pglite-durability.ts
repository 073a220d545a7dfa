import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

/**
 * Postgres's start parameters for a PGlite kept in a folder, so that a commit is on disk when it
 * returns, as a 202 promises. PGlite starts Postgres with fsync off (`-F`); here it is on, and the
 * WAL is flushed with fsync() at each commit (`wal_sync_method=fsync`), since Emscripten drops
 * fdatasync(), Postgres's default on Linux, without a word.
 */
export const DURABLE_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams.filter((param) => param !== '-F'), '-c', 'wal_sync_method=fsync'];

interface NodeFileSystem {
  readonly stream_ops: { fsync?: (stream: { nfd?: number }) => number };
  readonly tryFSOperation?: <T>(operation: () => T) => T;
}

/**
 * Makes the fsync() Postgres asks for reach the disk: Emscripten's file system over Node (NODEFS)
 * has no fsync of its own and answers success without flushing anything, so a power cut lost the
 * commits of the last seconds, though every one had been answered. A failure is passed on to
 * Postgres as its errno, which Postgres takes as fatal: it cannot know what reached the disk.
 */
export function flushCommitsToDisk(db: PGlite): void {
  const nodefs = db.Module.NODEFS as unknown as NodeFileSystem;
  const attempt = nodefs.tryFSOperation?.bind(nodefs) ?? (<T>(operation: () => T) => operation());
  nodefs.stream_ops.fsync = (stream) => {
    if (stream.nfd !== undefined) attempt(() => fs.fsyncSync(stream.nfd!));
    return 0;
  };
}

/**
 * Flushes every file and folder under `dir` to disk: a new data folder, which initdb writes in a
 * PGlite of its own, with fsync off, and which no later commit flushes (Postgres flushes only what
 * it writes itself), so that a power cut soon after a first start does not leave a folder that
 * cannot be opened.
 */
export function flushFolderToDisk(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) flushFolderToDisk(path);
    else if (entry.isFile()) flushToDisk(path);
  }
  flushToDisk(dir);
}

/** One file, or one folder's entries (a file moved into it). */
export function flushToDisk(path: string): void {
  const fd = fs.openSync(path, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
