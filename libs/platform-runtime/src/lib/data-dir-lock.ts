import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { makeDataDirPrivate } from './private-data-dir';

/**
 * Embedded stores may be opened by one process only. The lock file names the process that holds
 * the data folder; a lock left by a process that died is taken over. Beside it, a second file names
 * the folder the lock was taken in (its device and inode, which a copy does not keep and a move
 * or a second mount does): the lock a copy of the folder carries (a backup restored elsewhere) is
 * taken over too, though its process still runs the original. The lock file itself holds the
 * process id alone, as it always has, so that an older version still reads it and keeps out.
 * The folder is made, or kept, private to its owner first.
 */
export function lockDataDir(dataDir: string): () => void {
  makeDataDirPrivate(dataDir);
  const lockFile = join(dataDir, 'platform.pid');
  const folderFile = join(dataDir, 'platform.pid.folder');
  const folder = folderIdentity(dataDir);
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      writeFileSync(folderFile, folder);
      return () => {
        rmSync(folderFile, { force: true });
        rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8'));
      if (isAlive(holder) && heldFolder(folderFile) !== 'elsewhere') throw new DataDirInUseError(dataDir, holder);
      rmSync(lockFile, { force: true });
    }
  }

  /** Where the lock was taken: here, elsewhere (a copy's), or unknown (an older version's lock, or one taken a moment ago). */
  function heldFolder(file: string): 'here' | 'elsewhere' | 'unknown' {
    try {
      return readFileSync(file, 'utf8') === folder ? 'here' : 'elsewhere';
    } catch {
      return 'unknown';
    }
  }
}

function folderIdentity(dataDir: string): string {
  const { dev, ino } = statSync(dataDir);
  return `${dev}:${ino}`;
}

export class DataDirInUseError extends Error {
  readonly code = 'PLATFORM.DATA_DIR_IN_USE';
  /** The holder's command line, where the system tells it (Linux's /proc), e.g. "node tools/cdp.js projections status". */
  readonly holderCommand: string | undefined;

  constructor(
    readonly dataDir: string,
    readonly holder: number,
  ) {
    const command = commandLineOf(holder);
    super(
      isCdpCommand(command)
        ? `${dataDir} is in use by a cdp command that opened it itself (process ${holder}: ${command!.join(' ')}). Wait for it to end, or stop it, then start again.`
        : `${dataDir} is in use by the platform process ${holder}. Stop it first, or let the cdp CLI talk to it through its admin API (it does so when the platform runs).`,
    );
    this.holderCommand = command?.join(' ');
  }

  /** Whether the holder is a `cdp` command that opened the folder itself, and lets it go when it ends. */
  get heldByCli(): boolean {
    return isCdpCommand(commandLineOf(this.holder));
  }
}

function isCdpCommand(command: readonly string[] | undefined): boolean {
  const script = command?.[1];
  return script !== undefined && /^cdp(?:\.js)?$/.test(basename(script));
}

function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
