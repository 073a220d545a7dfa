import { chmodSync, mkdirSync } from 'node:fs';

/** A folder this process does not own, or on a file system without modes (some network and FUSE mounts). */
const CANNOT_CHMOD = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Makes the embedded data folder (every profile, the whole log) reachable by its owner only, as
 * Postgres insists of its own: PGlite writes its files readable, and many writable, by anyone
 * (mode 666), and chDB its parts readable by anyone, so the folder's own mode is what keeps other
 * local users out, whatever mode it had (750 for a backup agent's group too). A folder this
 * process cannot change is left as it is.
 */
export function makeDataDirPrivate(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dataDir, 0o700);
  } catch (error) {
    if (!CANNOT_CHMOD.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}
