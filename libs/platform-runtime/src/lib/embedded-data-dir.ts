import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A mistyped CDP_DATA_DIR, or a restored copy without its analytics, would otherwise start unnoticed. */
export function warnOfMissingData(dataDir: string, warn: (message: string) => void = console.warn): void {
  const [postgres, analytics] = [existsSync(join(dataDir, 'pg')), existsSync(join(dataDir, 'ch'))];
  if (!postgres) warn(`[embedded] no data in ${resolve(dataDir)}: starting a new, empty platform there (CDP_DATA_DIR names the folder)`);
  else if (!analytics) {
    warn(`[embedded] ${resolve(dataDir, 'ch')} is missing: the analytics tables start empty; fill them from the log with \`cdp projections rebuild analytics\``);
  }
}
