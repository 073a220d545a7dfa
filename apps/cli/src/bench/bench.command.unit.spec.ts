import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../program';
import { testContext } from '../testing/fake-platform';

async function bench(args: string[], exitCode: number) {
  const { context, terminal } = testContext(() => undefined);
  const runs: { command: string; args: readonly string[]; cwd: string }[] = [];
  const code = await runCli(['bench', ...args], context, async (command, commandArgs, cwd) => {
    runs.push({ command, args: commandArgs, cwd });
    return exitCode;
  });
  return { code, runs, stderr: terminal.stderr() };
}

describe('cdp bench', () => {
  it('runs the suite as npm run bench does, in the repository, quick when asked', async () => {
    const full = await bench([], 0);
    expect(full.code).toBe(0);
    expect(full.runs).toEqual([{ command: 'npm', args: ['run', 'bench'], cwd: expect.any(String) }]);
    expect(existsSync(join(full.runs[0].cwd, 'bench', 'run-benchmarks.ts'))).toBe(true);
    expect((await bench(['--quick'], 0)).runs[0].args).toEqual(['run', 'bench', '--', '--quick']);
  });

  it('exits 1 with the reason when the suite fails', async () => {
    expect(await bench([], 3)).toMatchObject({ code: 1, stderr: 'cdp: the benchmarks stopped with exit code 3: their output above says why.' });
  });
});
