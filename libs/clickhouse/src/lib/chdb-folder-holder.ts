import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The id of another live process that holds a chDB data folder, if one does. The engine writes
 * its PID into `status` and locks that file while the folder is open, and removes it on close;
 * a process that died leaves the file but no live PID.
 */
export async function processHoldingFolder(dir: string): Promise<number | undefined> {
  const status = await readFile(join(dir, 'status'), 'utf8').catch(() => '');
  const pid = Number(/^PID: (\d+)$/m.exec(status)?.[1]);
  return pid && pid !== process.pid && isAlive(pid) ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
