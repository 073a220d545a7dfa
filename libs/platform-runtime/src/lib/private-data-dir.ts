import { chmodSync, mkdirSync } from 'node:fs';

/**
 * Makes the embedded data folder (every profile, the whole log) reachable by its owner only, as
 * Postgres insists of its own: PGlite writes its files readable, and many writable, by anyone
 * (mode 666), and chDB its parts readable by anyone, so the folder's own mode is what keeps other
 * local users out. A folder this process does not own is left as it is.
 */
export function makeDataDirPrivate(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dataDir, 0o700);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}
