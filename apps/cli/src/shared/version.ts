import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version of the checkout the CLI runs from: the root package.json's. */
export function checkoutVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { version: string }).version;
}
