import { ConfigResourceTypes, type Admin, type ITopicConfig, type PartitionMetadata } from 'kafkajs';

/** A topic the platform makes, and the settings among its configEntries that the platform's guarantees rest on, each with why. */
export interface PlatformTopic extends ITopicConfig {
  readonly guarantees?: Readonly<Record<string, string>>;
}

/** A topic that existed with other values of the settings the platform's guarantees rest on. */
export class TopicSettingsError extends Error {
  readonly code = 'KAFKA.TOPIC_SETTINGS';
}

/** What a broker answers about a topic the controller has just created, until the broker has caught up. */
const SETTLING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);
const POLL_MS = 100;

/**
 * Creates the topics that are missing, and returns every topic's partitions once each partition's
 * leader answers for it.
 *
 * kafkajs's own wait (`waitForLeaders`) retries only LEADER_NOT_AVAILABLE. A KRaft broker answers
 * UNKNOWN_TOPIC_OR_PARTITION for a moment after the controller created a topic, until it has
 * applied the new metadata, and kafkajs then fails the creation that had in fact succeeded. Even
 * once the metadata names a leader, the leader may not host the partition yet (KAFKA-15780): asking
 * each leader for the partition's offsets waits for that too.
 *
 * A topic that already existed (made by an operator, or by a broker that makes topics on first use,
 * with the cluster's defaults) keeps its own settings: where one of its guarantees differs, the
 * start is refused with the command that mends it, as Confluent's schema registry refuses a
 * `_schemas` topic that is not compacted. A touchpoint log kept a week would lose what a rebuild
 * reads, with nothing said.
 */
export async function createTopicsAndWait(admin: Admin, topics: PlatformTopic[], timeoutMs = 30_000): Promise<Map<string, PartitionMetadata[]>> {
  const existing = new Set(await admin.listTopics());
  // Asking for a topic that exists makes kafkajs log an error, on every start of every process.
  const missing = topics.filter(({ topic }) => !existing.has(topic));
  if (missing.length > 0) await admin.createTopics({ waitForLeaders: false, topics: missing });

  const names = topics.map(({ topic }) => topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      const led = metadata.topics.every(({ partitions }) => partitions.length > 0 && partitions.every(({ leader }) => leader >= 0));
      if (led) {
        await Promise.all(names.map((topic) => admin.fetchTopicOffsets(topic)));
        await requireGuarantees(admin, topics);
        return new Map(metadata.topics.map(({ name, partitions }) => [name, partitions]));
      }
    } catch (error) {
      if (!SETTLING.has((error as { type?: string }).type ?? '')) throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Kafka created the topics ${names.join(', ')} but their partitions had no leader after ${timeoutMs / 1000} s. ` +
          'Check the broker log (infra/local prints where it is) and that the broker is healthy, then start again.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Throws TopicSettingsError where a topic's settings differ from what its guarantees need (see createTopicsAndWait). */
export async function requireGuarantees(
  admin: Admin,
  topics: readonly PlatformTopic[],
  { then = 'then start again', warnUnchecked = true }: { then?: string; warnUnchecked?: boolean } = {},
): Promise<void> {
  const guarded = topics.filter(({ guarantees }) => guarantees !== undefined && Object.keys(guarantees).length > 0);
  if (guarded.length === 0) return;
  const described = await admin
    .describeConfigs({
      includeSynonyms: false,
      resources: guarded.map(({ topic, guarantees }) => ({ type: ConfigResourceTypes.TOPIC, name: topic, configNames: Object.keys(guarantees!) })),
    })
    .catch((error: unknown) => {
      // A cluster whose ACLs give the platform's user no DescribeConfigs still runs it, unchecked.
      if (!/_AUTHORIZATION_FAILED$/.test((error as { type?: string }).type ?? '')) throw error;
      if (warnUnchecked) console.warn(`[kafka] the settings of ${guarded.map(({ topic }) => topic).join(', ')} could not be checked (${(error as Error).message}): allow DescribeConfigs on them, or check by hand that ${guarded.map(describeGuarantees).join('; ')}`);
      return undefined;
    });
  if (described === undefined) return;
  const { resources } = described;
  const problems = guarded.flatMap(({ topic, configEntries = [], guarantees }) => {
    const held = new Map(resources.find(({ resourceName }) => resourceName === topic)?.configEntries.map(({ configName, configValue }) => [configName, configValue]));
    return Object.entries(guarantees!).flatMap(([name, why]) => {
      const needed = neededValue({ topic, configEntries }, name);
      const value = held.get(name);
      if (value === needed) return [];
      return [
        `Kafka topic ${topic} has ${name}=${value ?? '(unknown)'} where the platform needs ${needed}: ${why}. ` +
          `Set it (kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name ${topic} --add-config ${name}=${needed}), ${then}`,
      ];
    });
  });
  if (problems.length > 0) throw new TopicSettingsError(`${problems.join('; ')}.`);
}

function describeGuarantees(platformTopic: PlatformTopic): string {
  return `${platformTopic.topic} has ${Object.keys(platformTopic.guarantees!).map((name) => `${name}=${neededValue(platformTopic, name)}`).join(', ')}`;
}

/** The value a guarantee names, from the topic's own configEntries. */
function neededValue({ topic, configEntries = [] }: Pick<PlatformTopic, 'topic' | 'configEntries'>, name: string): string {
  const needed = configEntries.find((entry) => entry.name === name)?.value;
  if (needed === undefined) throw new Error(`the guarantee ${name} of topic ${topic} names no setting of its configEntries`);
  return needed;
}
