import type { Command } from 'commander';
import { DEFAULT_SCHEMAS_DIR } from '@cdp/events';
import type { ReplayOutcome } from '@cdp/kafka-intake';
import type { Stores } from '@cdp/platform-runtime';
import { readSettings, SettingsError, type Settings } from '@cdp/platform-runtime/settings';
import { CliError, EXIT, UsageError } from '../../shared/cli-error';
import type { CliContext } from '../../shared/cli-context';
import { formatCount } from '../../shared/format';
import { progressBar, type Progress } from '../../shared/progress';
import { replaySummaryText } from './replay-summary';

export function registerDeadLettersReplayCommand(dlq: Command, context: CliContext): void {
  dlq
    .command('replay')
    .description(
      'Servers mode: validate again what the Kafka intake refused (the topic <namespace>.touchpoints.dlq.v1), against the current schemas, and append what is valid now.',
    )
    .action(async () => {
      const { terminal } = context;
      const settings = serversSettings(context.env);
      // Loaded here only: Kafka's and the stores' modules take most of the CLI's start otherwise.
      const [{ Kafka, logLevel }, { replayDeadLetters, touchpointIntakeTopics }, { isUnavailable }] = await Promise.all([import('kafkajs'), import('@cdp/kafka-intake'), import('@cdp/event-log-kafka')]);
      const topics = touchpointIntakeTopics(settings.kafkaNamespace);
      terminal.err(`Replaying the dead letters of ${topics.deadLetters} against the schemas in ${settings.schemasDir ?? DEFAULT_SCHEMAS_DIR} …`);
      const stores = await openServerStores(settings, isUnavailable);
      let bar: Progress | undefined;
      let outcome: ReplayOutcome;
      try {
        outcome = await replayDeadLetters({
          kafka: new Kafka({ clientId: `${settings.kafkaNamespace}.cli`, brokers: [...settings.kafkaBrokers], logLevel: logLevel.NOTHING }),
          topics,
          log: stores.touchpointLog,
          catalog: stores.catalog,
          policy: { defaultPhoneRegion: settings.defaultPhoneRegion },
          now: context.now,
          onProgress: (done, total) => {
            if (total === 0) return;
            bar ??= progressBar(terminal, 'Replaying', 'dead letters', total);
            bar.update(done, total);
          },
        });
      } catch (error) {
        throw new CliError(
          'CLI.REPLAY_STOPPED',
          `the replay stopped: ${(error as Error).message}. What it appended stays appended; run \`cdp dlq replay\` again once Kafka and Postgres answer: it appends nothing twice.`,
          isUnavailable(error) ? EXIT.unavailable : EXIT.failure,
        );
      } finally {
        bar?.stop();
        await stores.close();
      }
      terminal.out(replaySummaryText(outcome, topics.deadLetters));
      if (outcome.stillRefused.length > 0) {
        throw new CliError('CLI.DEAD_LETTERS_STILL_REFUSED', `${formatCount(outcome.stillRefused.length)} dead letter(s) are still refused: see why above.`);
      }
    });
}

/** The settings from the environment; only servers mode has Kafka, so only it has dead letters to replay. */
function serversSettings(env: NodeJS.ProcessEnv): Settings {
  let settings: Settings;
  try {
    settings = readSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(error.message);
    throw error;
  }
  if (settings.mode !== 'servers') {
    throw new UsageError(
      'there is no Kafka in embedded mode, so no dead-letter topic to replay: run it with CDP_MODE=servers (and KAFKA_BROKERS, DATABASE_URL of the deployment). Dead letters of projections are `cdp dlq list` and `cdp dlq retry`.',
    );
  }
  return settings;
}

async function openServerStores(settings: Settings, isUnavailable: (error: unknown) => boolean): Promise<Stores> {
  const [{ openStores, PlatformLogger }, { Logger }] = await Promise.all([import('@cdp/platform-runtime'), import('@nestjs/common')]);
  // What the stores warn of as they open goes to stderr: stdout is the replay's summary.
  Logger.overrideLogger(new PlatformLogger({ toStderr: true }));
  try {
    return await openStores(settings);
  } catch (error) {
    throw new CliError(
      'CLI.STORES_UNREACHABLE',
      `cannot open the stores of servers mode: ${(error as Error).message.replace(/\.$/, '')}. Check that Kafka (KAFKA_BROKERS=${settings.kafkaBrokers.join(',')}), Postgres (DATABASE_URL) and ClickHouse (CLICKHOUSE_URL) answer, and that CDP_SCHEMAS_DIR holds valid schemas.`,
      isUnavailable(error) ? EXIT.unavailable : EXIT.failure,
    );
  }
}
