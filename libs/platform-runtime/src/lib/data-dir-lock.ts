import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Embedded stores may be opened by one process only. The lock file names the process that holds
 * the data folder; a lock left by a process that died is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'platform.pid');
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8'));
      if (isAlive(holder)) throw new DataDirInUseError(dataDir, holder);
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
