import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

describe('the CLI at start', () => {
  it('loads none of the platform’s server modules for a command that only talks to it', () => {
    // What `cdp --help` (and every command that calls the admin API) requires before it answers.
    const { stderr } = spawnSync(
      process.execPath,
      [
        '-r', join(ROOT, 'tools/register.js'),
        '-e', "process.argv = ['node', 'cdp', '--help']; process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache)))); require('./apps/cli/src/main.ts')",
      ],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const modules = JSON.parse(stderr) as string[];
    const packages = new Set(modules.flatMap((path) => path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? []));
    for (const heavy of ['@nestjs/core', 'typeorm', 'kafkajs', '@eventstore/db-client', '@clickhouse/client', 'pg', 'chdb', '@electric-sql/pglite']) expect(packages).not.toContain(heavy);
  });
});
