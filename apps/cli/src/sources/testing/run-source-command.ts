import { Command } from 'commander';
import { testContext } from '../../testing/fake-platform';
import { registerSourceAddCommand } from '../add/source-add.command';
import { registerSourceValidateCommand } from '../validate/source-validate.command';

/**
 * Runs `cdp source <args>` offline and answers with what it printed and what it threw: a
 * CliError carries the exit code the CLI would end with (runCli maps it).
 */
export async function runSourceCommand(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string) {
  const { context, terminal } = testContext(() => 'refused', env, cwd);
  const program = new Command('cdp').exitOverride().configureOutput({ writeOut: (text) => terminal.out(text.trimEnd()), writeErr: (text) => terminal.err(text.trimEnd()) });
  const source = program.command('source');
  registerSourceAddCommand(source, context);
  registerSourceValidateCommand(source, context);
  const error: unknown = await program.parseAsync(['source', ...args], { from: 'user' }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  return { error, stdout: terminal.stdout(), stderr: terminal.stderr() };
}
