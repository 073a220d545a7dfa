import { Command } from 'commander';
import { EXIT } from '../../shared/cli-error';
import { testContext } from '../../testing/fake-platform';
import { registerDeadLettersReplayCommand } from './dead-letters-replay.command';

/** `cdp dlq replay` as runCli runs it, to the error it ends with. */
async function replay(env: NodeJS.ProcessEnv) {
  const { context } = testContext(() => undefined, env);
  const dlq = new Command('dlq').exitOverride();
  registerDeadLettersReplayCommand(dlq, context);
  return dlq.parseAsync(['replay'], { from: 'user' }).then(() => undefined, (error: unknown) => error);
}

describe('cdp dlq replay: where it cannot run', () => {
  it('says there is no Kafka in embedded mode, and exits 2', async () => {
    for (const env of [{}, { CDP_MODE: 'embedded' }]) {
      expect(await replay(env)).toMatchObject({ exitCode: EXIT.usage, message: expect.stringMatching(/^there is no Kafka in embedded mode.*CDP_MODE=servers/) });
    }
  });

  it('names a wrong setting, and exits 2', async () => {
    expect(await replay({ CDP_MODE: 'servers', CDP_KAFKA_NAMESPACE: 'Not Valid' })).toMatchObject({ exitCode: EXIT.usage, message: expect.stringContaining('CDP_KAFKA_NAMESPACE=Not Valid') });
  });
});
