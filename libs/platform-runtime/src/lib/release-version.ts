import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const CHECKOUT = join(__dirname, '../../../..');

let known: string | undefined;

/**
 * The release this checkout runs: package.json's version, and the commit as semver build metadata
 * when the checkout is a git clone ("0.1.0+9b9a892"). The upgrade rows of docs/operations.md that
 * apply are those added between two releases' commits.
 */
export function releaseVersion(): string {
  known ??= withCommit((JSON.parse(readFileSync(join(CHECKOUT, 'package.json'), 'utf8')) as { version: string }).version);
  return known;
}

function withCommit(version: string): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: CHECKOUT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    return /^[0-9a-f]{4,40}$/.test(commit) ? `${version}+${commit}` : version;
  } catch {
    return version; // no git, or not a clone (an unpacked release)
  }
}
