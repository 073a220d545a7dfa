import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Embedded stores may be opened by one process only. The lock file names the process that holds
 * the data folder, and the folder it holds: a lock left by a process that died is taken over, and
 * so is one copied with the folder (a backup restored elsewhere), whose process holds the original.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'platform.pid');
  const folder = realpathSync(dataDir);
  for (;;) {
    try {
      writeFileSync(lockFile, `${process.pid}\n${folder}\n`, { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock written before the folder was named in it holds the process id alone.
      const [pid, held = folder] = readFileSync(lockFile, 'utf8').split('\n');
      const holder = Number(pid);
      if (isAlive(holder) && held === folder) throw new DataDirInUseError(dataDir, holder);
      rmSync(lockFile, { force: true });
    }
  }
}

export class DataDirInUseError extends Error {
  readonly code = 'PLATFORM.DATA_DIR_IN_USE';

  constructor(
    readonly dataDir: string,
    readonly holder: number,
  ) {
    super(`${dataDir} is in use by the platform process ${holder}. Stop it first, or let the cdp CLI talk to it through its admin API (it does so when the platform runs).`);
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
