import { statfsSync } from 'node:fs';

/**
 * Below this much free space on the embedded data folder's disk, embedded mode takes no more
 * touchpoints: PGlite makes its WAL 16 MiB at a time, and one that cannot make the next file spins
 * for ever inside a commit, holding the whole process, with nothing logged.
 */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

/** The data folder's disk has too little room left to take more. */
export class DataFolderFullError extends Error {
  readonly code = 'DATABASE.DISK_FULL';
}

/** The bytes free to this process on the disk that holds `dir`. */
export function freeBytes(dir: string): number {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize;
}

/** What is wrong with the room left on the data folder's disk, or undefined when there is enough. */
export function dataFolderSpaceProblem(dir: string, free = freeBytes(dir)): string | undefined {
  if (free >= MIN_FREE_BYTES) return undefined;
  const mib = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))} MiB`;
  return `the disk of the data folder ${dir} (CDP_DATA_DIR) has ${mib(free)} free, under the ${mib(MIN_FREE_BYTES)} the platform keeps to go on writing: free some space there, or move the folder to a larger disk (stop the platform first); touchpoints are refused until then, and the read models catch up with what was taken`;
}

/** Refuses a write that would take the embedded data folder's disk below its reserve. */
export function assertDataFolderHasRoom(dir: string): void {
  const problem = dataFolderSpaceProblem(dir);
  if (problem !== undefined) throw new DataFolderFullError(problem);
}
