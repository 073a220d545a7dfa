import type { Admin } from 'kafkajs';
import { requireGuarantees, TopicSettingsError, type PlatformTopic } from './create-topics';

/**
 * Checks again, while the platform runs, the settings its topics' guarantees rest on: an operator
 * may set a retention on a topic, or take its compaction away, long after the start that checked it.
 */
export interface TopicSettingsWatch {
  /**
   * Checks the settings of each topic whose last check is older than the interval (one check per
   * topic at a time), and throws TopicSettingsError where the last check of any found them wrong:
   * the verdict holds until the next check. A check Kafka does not answer refuses nothing.
   */
  checkIfDue(topics: readonly PlatformTopic[]): Promise<void>;
  /** The topic's settings were checked just now (by the start that created or found it). */
  checkedNow(topic: string): void;
  /** The topics checked so far. */
  watched(): string[];
  forget(topic: string): void;
}

/** `then` ends the message of a wrong setting: what mending it brings back ("and appends are taken again"). */
export function topicSettingsWatch(admin: Admin, { everyMs, then }: { everyMs: number; then: string }): TopicSettingsWatch {
  const checks = new Map<string, { at: number; wrong?: TopicSettingsError; running?: Promise<void> }>();

  function checkOne(platformTopic: PlatformTopic): Promise<void> | undefined {
    const { topic } = platformTopic;
    const last = checks.get(topic) ?? { at: 0 };
    if (last.running === undefined && Date.now() - last.at >= everyMs) {
      // A topic forgotten meanwhile (made anew) starts over.
      const settle = (wrong?: TopicSettingsError) => void (checks.get(topic)?.running === running && checks.set(topic, { at: Date.now(), wrong }));
      const running: Promise<void> = requireGuarantees(admin, [platformTopic], { then, warnUnchecked: false }).then(
        () => settle(),
        (error: unknown) => settle(error instanceof TopicSettingsError ? error : undefined),
      );
      checks.set(topic, { ...last, running });
    }
    return checks.get(topic)!.running;
  }

  return {
    async checkIfDue(topics) {
      await Promise.all(topics.map(checkOne));
      const wrong = topics.map(({ topic }) => checks.get(topic)?.wrong).find((error) => error !== undefined);
      if (wrong) throw wrong;
    },
    checkedNow: (topic) => void checks.set(topic, { at: Date.now() }),
    watched: () => [...checks.keys()],
    forget: (topic) => void checks.delete(topic),
  };
}
