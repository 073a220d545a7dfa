import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../shared/cli-error';

/** The checkout the CLI runs from: the benchmarks live in its bench/, beside their servers' scripts. */
const REPOSITORY = resolve(__dirname, '../../../..');

/** Runs a command in `cwd` with this terminal, and resolves to its exit code. */
export type RunProcess = (command: string, args: readonly string[], cwd: string) => Promise<number>;

const runInTerminal: RunProcess = (command, args, cwd) =>
  new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });

/** `cdp bench`: the benchmark suite, as `npm run bench` runs it (starting infra/local first). */
export function registerBenchCommand(program: Command, run: RunProcess = runInTerminal): void {
  program
    .command('bench')
    .description('Run the benchmarks against the servers of infra/local (started if they are not up) and rewrite docs/benchmarks.md; from a checkout of the repository. See docs/benchmarks.md.')
    .option('--quick', 'every section at a smaller size, as a check (about 2 minutes)')
    .action(async (flags: { quick?: boolean }) => {
      if (!existsSync(join(REPOSITORY, 'bench', 'run-benchmarks.ts'))) {
        throw new CliError('CLI.NO_BENCHMARKS', `cdp bench runs the benchmarks of a checkout of the repository, and ${REPOSITORY} has no bench/: run it from a clone.`);
      }
      const code = await run('npm', ['run', 'bench', ...(flags.quick ? ['--', '--quick'] : [])], REPOSITORY);
      if (code !== 0) throw new CliError('CLI.BENCH_FAILED', `the benchmarks stopped with exit code ${code}: their output above says why.`);
    });
}
