import { statfsSync } from 'node:fs';

/**
 * Below this much free space on the embedded data folder's disk, embedded mode takes no more
 * touchpoints: PGlite makes its WAL 16 MiB at a time, and one that cannot make the next file spins
 * for ever inside a commit, holding the whole process, with nothing logged.
 */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

/** Below this, the projections wait too (each batch retried later): what is left is two WAL files. */
export const MIN_FREE_BYTES_TO_PROJECT = 32 * 1024 * 1024;

/** The data folder's disk has too little room left to take more. */
export class DataFolderFullError extends Error {
  readonly code = 'DATABASE.DISK_FULL';
}

/** The bytes free to this process on the disk that holds `dir`. */
export function freeBytes(dir: string): number {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize;
}

const mib = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))} MiB`;

/**
 * What is wrong with the room left on the data folder's disk for writes that need `reserve`
 * bytes kept free, or undefined when there is enough. A folder whose free space cannot be read
 * (gone, or a mount gone stale) is a problem too: nothing can be written there either.
 */
export function dataFolderSpaceProblem(dir: string, reserve = MIN_FREE_BYTES, free: () => number = () => freeBytes(dir)): string | undefined {
  let bytes: number;
  try {
    bytes = free();
  } catch (error) {
    return `the free space of the data folder ${dir} (CDP_DATA_DIR) cannot be read (${(error as Error).message}): check that the folder and its disk are there`;
  }
  if (bytes >= reserve) return undefined;
  return `the disk of the data folder ${dir} (CDP_DATA_DIR) has ${mib(bytes)} free, under the ${mib(reserve)} the platform keeps: free some space there, or move the folder to a larger disk (stop the platform first). Touchpoints, redemptions and RFM runs are refused under ${mib(MIN_FREE_BYTES)}, and the projections and vacuums wait under ${mib(MIN_FREE_BYTES_TO_PROJECT)}`;
}

/** Refuses a write (touchpoints, a redemption, an RFM run) that would take the embedded data folder's disk below its reserve; the client is told what it can act on, the log where and how much. */
export function assertDataFolderHasRoom(dir: string): void {
  const problem = dataFolderSpaceProblem(dir);
  if (problem !== undefined) throw new DataFolderFullError("the platform's disk is nearly full, and it takes no writes until its operator frees space: nothing of this request was kept; send it again later", { cause: new Error(problem) });
}
