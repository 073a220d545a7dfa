import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
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

  it('says it was stopped, and exits as a process the signal killed would, on SIGTERM and SIGINT', async () => {
    // A platform that takes the connection and never answers: the command waits on it until stopped.
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
        const cli = spawn(process.execPath, [join(ROOT, 'tools/cdp.js'), '--url', url, 'projections', 'status'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        cli.stderr.on('data', (chunk) => (stderr += String(chunk)));
        // Once it has connected: the server saw it.
        await new Promise((resolve) => server.once('connection', resolve));
        cli.kill(signal);
        const exitCode = await new Promise((resolve) => cli.on('exit', resolve));
        expect({ exitCode, stderr }).toEqual({ exitCode: code, stderr: `cdp: stopped by ${signal}\n` });
      }
    } finally {
      server.close();
    }
  }, 60_000);
});
