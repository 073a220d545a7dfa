import { EventLogUnavailableError, ExpectedVersionUnsupportedError, openSubscriptions, type AppendResult, type EventCodec, type EventLog, type NewEvent, type RecordedEvent, type StreamWrite } from '@cdp/event-log';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { logLevel as LogLevel, type KafkaMessage } from 'kafkajs';
import { parseStreamId } from '@cdp/events';
import type { AcceptedEvent, AcceptedEventIds, ClaimedEvent } from './accepted-event-ids.port';
import { idempotentProducer } from './idempotent-producer';
import { AppendInProgressError } from './kafka-event-log.errors';
import { fromKafkaMessage, kafkaPosition, toKafkaMessage } from './kafka-message';
import type { ConsumerTiming } from './consumer-timing';
import { readMessagesAt } from './kafka-offset-reader';
import { kafkaSubscription } from './kafka-subscription';
import { kafkaTopics } from './kafka-topics';
import { isTopicMissing, isUnavailable } from './unavailable';
import { TopicSettingsError } from './create-topics';
import { platformKafka } from './platform-kafka';
import { asTopicMessages, produceRequests } from './produce-requests';

export interface KafkaEventLogOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly codec: EventCodec;
  /** Makes appends idempotent and numbers streams; it stays its owner's to close. */
  readonly acceptedIds: AcceptedEventIds;
  /** Partitions of the topics this log creates; default 6. */
  readonly partitions?: number;
  /** The topic of a stream category; default `cdp.<category>.v1`. */
  readonly topicFor?: (category: string) => string;
  /**
   * What `subscribe()` follows: stream categories (their topics are created if missing), or
   * patterns of topic names, matched against the topics that exist when `subscribe()` starts.
   */
  readonly subscribeTo?: readonly (string | RegExp)[];
  /** Prefixes consumer group names (subscriber ids), to keep several deployments on one cluster apart. */
  readonly groupPrefix?: string;
  /** How long an append waits for ids that another append is producing, in ms; default 5 s. */
  readonly inFlightWaitMs?: number;
  readonly consumerTiming?: ConsumerTiming;
  readonly logLevel?: LogLevel;
  /** How often a subscription looks again at, and reports, a partition it holds back (it ended before its checkpoint); default 30 s. */
  readonly heldPartitionCheckMs?: number;
  /** How often appends check the log topic's settings again (default a minute). */
  readonly topicSettingsCheckMs?: number;
}

const IN_FLIGHT_POLL_MS = 50;
/** Waits before each further try of a confirmation: a lost connection is replaced within them. */
const CONFIRM_RETRY_MS = [200, 1_000];

/** The confirmation, tried again after each wait of CONFIRM_RETRY_MS while it fails (it is idempotent). */
async function confirmed(confirm: () => Promise<void>): Promise<void> {
  for (const waitMs of CONFIRM_RETRY_MS) {
    try {
      return await confirm();
    } catch {
      await sleep(waitMs);
    }
  }
  return confirm();
}

/**
 * The touchpoint log on Kafka: a topic per stream category, keyed by the id part of the stream id,
 * so one customer's events stay in order in one partition. Positions and checkpoints name
 * "<topic>/<partition>" because a subscriber may follow several topics.
 *
 * Kafka cannot tell whether it holds an event, or where an event sits in its stream, so the
 * accepted-ids index does both: an append claims its new ids (and their stream positions, assigned
 * at claim time) there, produces them, then confirms them with their offsets. Two appends to one
 * stream that run at the same time may therefore reach Kafka in the other order than their
 * positions. There is no per-stream concurrency control: an expected version other than 'any' is
 * refused; decisions use the Postgres or EventStoreDB store.
 *
 * readStream serves diagnostics and tests: it finds the stream's offsets in the index, so it sees
 * the events appended within the index's retention (purgeOlderThan), then reads them from Kafka.
 * readStreams does so for one stream after another.
 */
export async function createKafkaEventLog(options: KafkaEventLogOptions): Promise<EventLog> {
  const { codec, acceptedIds } = options;
  const kafka = platformKafka(options);
  const admin = kafka.admin();
  await admin.connect();
  const topics = kafkaTopics(admin, options.partitions ?? 6, options.topicSettingsCheckMs);
  /** Whether this process has appended (or tried to). */
  let appends = false;
  const producer = idempotentProducer(kafka);
  const topicFor = options.topicFor ?? ((category: string) => `cdp.${category}.v1`);
  const topicOf = (streamId: string) => topicFor(parseStreamId(streamId).category);
  try {
    // At start, so that a followed topic whose settings would lose events is refused before anything is appended to it.
    for (const followed of options.subscribeTo ?? []) if (typeof followed === 'string') await topics.ensure(topicFor(followed));
  } catch (error) {
    await admin.disconnect();
    throw error;
  }
  const timing = options.consumerTiming ?? {};
  const subscriptions = openSubscriptions();
  const checkedTopics = new Map<string, Promise<void>>();

  /** Produces the claimed events, adding each to `accepted` once Kafka has it: on a failure, those before it are written. */
  async function produce(claimed: readonly ClaimedEvent[], events: ReadonlyMap<string, NewEvent>, accepted: AcceptedEvent[]): Promise<void> {
    const keyed = claimed.map((event) => {
      const { category, id: key } = parseStreamId(event.streamId);
      return { event, key, topic: topicFor(category) };
    });
    const partitioners = new Map<string, (key: string) => number>();
    for (const topic of new Set(keyed.map((k) => k.topic))) partitioners.set(topic, await topics.partitionerOf(topic));
    const routed = keyed.map(({ event, key, topic }) => {
      const partition = partitioners.get(topic)!(key);
      return { event, topic, partition, message: toKafkaMessage(codec, events.get(event.eventId)!, event, key, partition) };
    });
    // Requests that fit Kafka's limit on a record batch, one after another, in the order of the append.
    for (const request of produceRequests(routed)) {
      const written = await producer.send(asTopicMessages(request)).catch((error: unknown) => {
        throw isTopicMissing(error) ? topicLost(request.map((r) => r.topic), error) : error;
      });
      // A partition's messages of a request are one record batch, in the order sent, from its base offset on.
      const next = new Map(written.map((w) => [`${w.topicName}/${w.partition}`, BigInt(w.baseOffset!)]));
      // kafkajs leaves out, unsent, messages for a partition the topic no longer has (made anew with fewer).
      const unsent = request.filter(({ topic, partition }) => !next.has(`${topic}/${partition}`));
      for (const { event, topic, partition } of request) {
        const offset = next.get(`${topic}/${partition}`);
        if (offset === undefined) continue;
        next.set(`${topic}/${partition}`, offset + 1n);
        accepted.push({ ...event, partition, offset: String(offset) });
      }
      if (unsent.length > 0) throw topicLost(unsent.map((u) => u.topic), new Error(`Kafka's answer names no partition ${unsent[0].partition} of ${unsent[0].topic}`));
    }
  }

  async function produceClaimed(claimId: string, claimed: readonly ClaimedEvent[], events: ReadonlyMap<string, NewEvent>) {
    const accepted: AcceptedEvent[] = [];
    try {
      await produce(claimed, events, accepted);
    } catch (error) {
      // What Kafka took before the failure is confirmed, so a retry answers it as a duplicate instead
      // of writing it again; the rest is released. If either fails too, the claims run out with their lease.
      const written = new Set(accepted.map((event) => event.eventId));
      if (accepted.length > 0) await confirmed(() => acceptedIds.confirm(claimId, accepted)).catch(() => undefined);
      await acceptedIds.release(claimId, claimed.filter((event) => !written.has(event.eventId))).catch(() => undefined);
      throw error instanceof EventLogUnavailableError || !isUnavailable(error) ? error : new EventLogUnavailableError('Kafka', error);
    }
    // Kafka has them: a confirmation lost with its connection is tried again on another, since a
    // claim left to run out would have the client's retry write them a second time.
    await confirmed(() => acceptedIds.confirm(claimId, accepted)).catch((error: unknown) => {
      throw isUnavailable(error) ? new EventLogUnavailableError('the accepted-ids index (Postgres)', error) : error;
    });
    return accepted;
  }

  async function appendWrites(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    appends = true;
    const events = new Map<string, NewEvent>();
    const requests: { eventId: string; streamId: string }[] = [];
    for (const { streamId, events: written } of writes) {
      for (const event of written) {
        if (events.has(event.eventId)) continue;
        events.set(event.eventId, event);
        requests.push({ eventId: event.eventId, streamId });
      }
    }
    for (const category of new Set(requests.map((r) => parseStreamId(r.streamId).category))) {
      const topic = topicFor(category);
      await topics.ensure(topic).then(() => indexMatched(category, topic)).catch((error: unknown) => {
        if (error instanceof TopicSettingsError) throw new EventLogUnavailableError('Kafka', error, `keeps the touchpoint log with settings that would delete what it takes: ${error.message.replace(/\.$/, '')}`);
        throw isUnavailable(error) ? new EventLogUnavailableError('Kafka', error) : error;
      });
    }

    const claimId = randomUUID();
    const placed = new Map<string, AcceptedEvent>();
    const producedNow = new Set<string>();
    let pending = requests;
    for (let polls = 0; pending.length > 0; polls++) {
      const { claimed, accepted, inFlight } = await acceptedIds.claim(claimId, pending).catch((error: unknown) => {
        throw isUnavailable(error) ? new EventLogUnavailableError('the accepted-ids index (Postgres)', error) : error;
      });
      for (const event of accepted) placed.set(event.eventId, event);
      if (claimed.length > 0) {
        for (const event of await produceClaimed(claimId, claimed, events)) {
          placed.set(event.eventId, event);
          producedNow.add(event.eventId);
        }
      }
      if (inFlight.length > 0) {
        if (polls * IN_FLIGHT_POLL_MS >= (options.inFlightWaitMs ?? 5_000)) throw new AppendInProgressError(inFlight);
        await sleep(IN_FLIGHT_POLL_MS);
      }
      pending = pending.filter((r) => inFlight.includes(r.eventId));
    }

    const reported = new Set<string>();
    return writes.map(({ streamId, events: written }) => ({
      streamId,
      events: written.map((event) => {
        const at = placed.get(event.eventId)!;
        const duplicate = !producedNow.has(event.eventId) || reported.has(event.eventId);
        reported.add(event.eventId);
        return {
          eventId: event.eventId,
          streamPosition: at.streamPosition,
          position: kafkaPosition(topicOf(at.streamId), at.partition, at.offset),
          duplicate,
        };
      }),
    }));
  }

  /**
   * A topic Kafka no longer has as this process knew it (deleted, or made anew with fewer
   * partitions while it ran): the next append reads it again, as a start would, making it if it is missing.
   */
  function topicLost(lost: readonly string[], cause: unknown): EventLogUnavailableError {
    for (const topic of new Set(lost)) {
      topics.forget(topic);
      checkedTopics.delete(topic);
    }
    return new EventLogUnavailableError('Kafka', cause, `has no topic ${[...new Set(lost)].join(', ')}, or not the partitions this process knew of it: it was deleted or made anew while the process ran, and is read again for the next request`);
  }

  const groupOf = (subscriberId: string) => `${options.groupPrefix ?? ''}${subscriberId}`;

  /** The topics subscribers follow, as they are now (a pattern matches topics made since). */
  async function followedTopics(): Promise<string[]> {
    const patterns = (options.subscribeTo ?? []).filter((f): f is RegExp => typeof f !== 'string');
    const named = (options.subscribeTo ?? []).filter((f): f is string => typeof f === 'string').map(topicFor);
    const matching = patterns.length > 0 ? (await admin.listTopics()).filter((t) => patterns.some((p) => p.test(t))) : [];
    return [...new Set([...named, ...matching])];
  }

  /**
   * Before this process first appends to a topic, the accepted-ids index is checked against it: ids
   * it names at offsets the topic no longer has (a topic deleted and made anew, a namespace or
   * cluster that is not the index's) would answer touchpoints sent again as duplicates, never
   * writing them.
   */
  function indexMatched(category: string, topic: string): Promise<void> {
    let checked = checkedTopics.get(topic);
    if (!checked) {
      checked = (async () => {
        const forgotten = await acceptedIds.forgetIfTopicLost(category, async () => new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, high])));
        if (forgotten > 0) {
          console.warn(
            `[kafka] ${topic} ends before offsets the accepted-ids index recorded: the topic was made anew, or is another cluster's or namespace's. ` +
              `The index forgot its ${forgotten.toLocaleString('en')} accepted ids, so touchpoints sent again are appended again (docs/operations.md, Backups and recovery)`,
          );
        }
      })();
      checkedTopics.set(topic, checked);
      checked.catch(() => checkedTopics.delete(topic));
    }
    return checked;
  }

  async function readStream(streamId: string, fromPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    const accepted = await acceptedIds.acceptedInStream(streamId, { fromPosition, maxCount });
    const topic = topicOf(streamId);
    const messages = new Map<number, Map<string, KafkaMessage>>();
    for (const partition of new Set(accepted.map((a) => a.partition))) {
      const offsets = accepted.filter((a) => a.partition === partition).map((a) => a.offset);
      messages.set(partition, await readMessagesAt(kafka, timing, topic, partition, offsets));
    }
    return accepted.map((a) => {
      const message = messages.get(a.partition)?.get(a.offset);
      if (!message) throw new Error(`event ${a.eventId} is not at ${kafkaPosition(topic, a.partition, a.offset)} any more`);
      return fromKafkaMessage(codec, topic, a.partition, message);
    });
  }

  return {
    capabilities: { expectedVersion: false, atomicAppendMany: false, sharedSubscriptions: true, uniqueEventIds: false },

    async append(streamId, events, { expectedVersion = 'any' } = {}) {
      if (expectedVersion !== 'any') throw new ExpectedVersionUnsupportedError('Kafka');
      const [result] = await appendWrites([{ streamId, events }]);
      return result;
    },

    async appendMany(writes, { expectedVersions = new Map() } = {}) {
      if ([...expectedVersions.values()].some((v) => v !== 'any')) throw new ExpectedVersionUnsupportedError('Kafka');
      return appendWrites(writes);
    },

    readStream: (streamId, { fromPosition = 0, maxCount = 10_000 } = {}) => readStream(streamId, fromPosition, maxCount),

    async readStreams(reads, { maxCount = 10_000 } = {}) {
      const streams: RecordedEvent[][] = [];
      for (const { streamId, fromPosition = 0 } of reads) streams.push(await readStream(streamId, fromPosition, maxCount));
      return streams;
    },

    async subscribe(subscription) {
      const followed = options.subscribeTo ?? [];
      if (followed.length === 0) throw new Error('the Kafka event log follows nothing: set subscribeTo to the stream categories to follow');
      const topicsToFollow = followed.map((f) => (typeof f === 'string' ? topicFor(f) : f));
      for (const topic of topicsToFollow) if (typeof topic === 'string') await topics.ensure(topic);
      const toEvent = fromKafkaMessage.bind(null, codec);
      const following = await kafkaSubscription(kafka, timing, topicsToFollow, toEvent, { ...subscription, subscriberId: groupOf(subscription.subscriberId) }, options.heldPartitionCheckMs);
      return subscriptions.track(following);
    },

    async forgetSubscriber(subscriberId) {
      await admin.deleteGroups([groupOf(subscriberId)]).catch((error: unknown) => {
        const failed = (error as { groups?: { error?: { type?: string } }[] }).groups ?? [];
        if (failed.length === 0 || failed.some((group) => group.error?.type !== 'GROUP_ID_NOT_FOUND')) throw error;
      });
    },

    async pendingAfter(checkpoint) {
      let pending = 0;
      for (const topic of await followedTopics()) {
        for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
          const done = checkpoint[`${topic}/${partition}`];
          pending += Number(high) - (done === undefined ? 0 : Number(done) + 1);
        }
      }
      return pending;
    },

    async lostAfter(checkpoint) {
      const lost: string[] = [];
      let count = 0n;
      for (const topic of await followedTopics()) {
        for (const { partition, low } of await admin.fetchTopicOffsets(topic)) {
          const done = checkpoint[`${topic}/${partition}`];
          const next = done === undefined ? 0n : BigInt(done) + 1n;
          if (BigInt(low) <= next) continue;
          lost.push(`${topic}/${partition} begins at offset ${low}, where ${next} is next to read`);
          count += BigInt(low) - next;
        }
      }
      if (lost.length === 0) return undefined;
      return (
        `${count.toLocaleString('en')} messages of the log were deleted before they were read (${lost.join('; ')}): ` +
        'a topic kept with a retention (retention.ms, retention.bytes) or records deleted by hand. Set the topic to keep everything (docs/operations.md, Two modes), and restore the deleted messages from a backup that keeps offsets'
      );
    },

    async ping() {
      // Only a process that appends refuses for the log's settings: a reader's health stays its own.
      await Promise.all([admin.describeCluster(), acceptedIds.ping(), appends ? topics.checkSettings() : undefined]);
    },

    async close() {
      await subscriptions.closeAll();
      await producer.close();
      await admin.disconnect();
    },
  };
}
