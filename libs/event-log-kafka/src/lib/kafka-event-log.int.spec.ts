import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { describeEventLogContract } from '@cdp/event-log/testing';
import type { EventCodec } from '@cdp/event-log';
import type { EventLog, NewEvent, RecordedEvent } from '@cdp/event-log';
import { streamId } from '@cdp/events';
import type { AcceptedEventIds } from './accepted-event-ids.port';
import { createKafkaEventLog, type KafkaEventLogOptions } from './kafka-event-log';
import { AppendInProgressError, LogShorterThanCheckpointError } from './kafka-event-log.errors';
import { createPostgresAcceptedEventIds, type PostgresAcceptedEventIdsOptions } from './postgres-accepted-event-ids';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const run = randomUUID().slice(0, 8);
const topicPrefix = `cdp-test.${run}.`;

/** JSON, except that `data.padding` bytes of filler make a message as large as a test needs. */
const codec: EventCodec = {
  encode: ({ type, data }) => {
    const padding = (data as { padding?: number }).padding ?? 0;
    return Buffer.from(JSON.stringify({ type, data, filler: 'x'.repeat(padding) }));
  },
  decode: (bytes) => {
    const { type, data } = JSON.parse(bytes.toString()) as { type: string; data: unknown };
    return { type, data };
  },
};

const TEST_CONSUMER_TIMING = { sessionTimeout: 6_000, rebalanceTimeout: 3_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 };

interface TestLog {
  readonly log: EventLog;
  readonly acceptedIds: AcceptedEventIds;
}

const opened: SqlClient[] = [];
const schemas: string[] = [];

async function openLog(index: PostgresAcceptedEventIdsOptions = {}, options: Partial<KafkaEventLogOptions> = {}): Promise<TestLog> {
  const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
  const schema = `kafka_event_log_test_${run}_${schemas.length}`;
  opened.push(sql);
  schemas.push(schema);
  const acceptedIds = await createPostgresAcceptedEventIds(sql, { schema, ...index });
  const log = await createKafkaEventLog({
    brokers,
    clientId: `cdp-test-${run}`,
    codec,
    acceptedIds,
    partitions: 3,
    topicFor: (category) => `${topicPrefix}${category}`,
    subscribeTo: [new RegExp(`^${topicPrefix.replace(/\./g, '\\.')}`)],
    consumerTiming: TEST_CONSUMER_TIMING,
    logLevel: logLevel.ERROR,
    ...options,
  });
  return { log, acceptedIds };
}

afterAll(async () => {
  const admin = new Kafka({ clientId: `cdp-test-${run}`, brokers, logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
  await admin.deleteTopics({ topics });
  await admin.disconnect();
  for (const [i, sql] of opened.entries()) {
    await sql.query(`DROP SCHEMA ${schemas[i]} CASCADE`);
    await sql.close();
  }
});

// The contract's linger test holds a fetch for its linger, 10 s, and kafkajs sends heartbeats only
// between fetches: the group session outlasts it, where 6 s would cost the member its partitions.
describeEventLogContract('Kafka', async () => (await openLog({}, { consumerTiming: { ...TEST_CONSUMER_TIMING, sessionTimeout: 30_000 } })).log);

describe('Kafka event log: the accepted-ids index', () => {
  const event = (n: number, padding = 0): NewEvent => ({ eventId: randomUUID(), type: 'thing_happened', data: { n, padding } });
  const newStream = () => streamId('indexed', randomUUID());
  /**
   * How long a claim holds its ids. An append waits 200 ms for ids in flight: the lease leaves a
   * stall of seconds between a claim and that append's look at it before the claim would run out.
   */
  const LEASE_MS = 3_000;
  let logs: TestLog;
  beforeAll(async () => {
    // The failed send below makes kafkajs log an error, which is expected here.
    logs = await openLog({ leaseMs: LEASE_MS }, { inFlightWaitMs: 200, logLevel: logLevel.NOTHING });
  });
  afterAll(() => logs.log.close());

  it('lets a claim hold its ids for its lease, then produces them on the next append', async () => {
    const { log, acceptedIds } = logs;
    const stream = newStream();
    const orphan = event(0);
    // The topic made first, so that the append below looks at the claim without waiting for Kafka to make it.
    await log.append(newStream(), [event(1)]);
    await acceptedIds.claim(randomUUID(), [{ eventId: orphan.eventId, streamId: stream }]);

    await expect(log.append(stream, [orphan])).rejects.toBeInstanceOf(AppendInProgressError);
    // The claim was made before the append refused: a lease from now on, it has run out.
    await sleep(LEASE_MS + 100);
    const taken = await log.append(stream, [orphan, event(1)]);

    expect(taken.events.map((e) => [e.streamPosition, e.duplicate])).toEqual([
      [0, false],
      [1, false],
    ]);
    expect((await log.readStream(stream)).map((e) => e.eventId)).toEqual(taken.events.map((e) => e.eventId));
  });

  it("appends to one stream more than Kafka takes in one record batch (1 MiB), in the stream's order", async () => {
    const { log } = logs;
    const stream = newStream();
    const events = Array.from({ length: 800 }, (_, n) => event(n, 2_000));

    await log.appendMany([{ streamId: stream, events }]);

    expect((await log.readStream(stream)).map((e) => (e.data as { n: number }).n)).toEqual(events.map((_, n) => n));
  });

  it('releases the claims of a failed send, so a retry produces the events at the same positions', async () => {
    const { log } = logs;
    const stream = newStream();
    await log.append(stream, [event(0)]);
    const tooLarge = event(1, 2_000_000);

    await expect(log.append(stream, [tooLarge])).rejects.toThrow();
    const retried = await log.append(stream, [{ ...tooLarge, data: { n: 1 } }]);

    expect(retried.events[0]).toMatchObject({ streamPosition: 1, duplicate: false });
    expect((await log.readStream(stream)).map((e) => e.streamPosition)).toEqual([0, 1]);
  });

  it('tries a confirmation lost with its connection again, so the append answers, and its retry finds the events as duplicates instead of writing them twice', async () => {
    const { log: unused, acceptedIds } = await openLog();
    await unused.close();
    let lost = 0;
    const flaky: AcceptedEventIds = { ...acceptedIds, confirm: (claimId, events) => (lost++ === 0 ? Promise.reject(new Error('Connection terminated unexpectedly')) : acceptedIds.confirm(claimId, events)) };
    const { log } = await openLog({}, { acceptedIds: flaky });
    const stream = newStream();
    const only = event(0);
    try {
      expect((await log.append(stream, [only])).events[0]).toMatchObject({ streamPosition: 0, duplicate: false });
      expect((await log.append(stream, [only])).events[0]).toMatchObject({ streamPosition: 0, duplicate: true });
      expect(lost).toBe(2);
      expect(await log.readStream(stream)).toHaveLength(1);
    } finally {
      await log.close();
    }
  });

  it('answers an append whose store does not answer as unavailable, to be retried', async () => {
    const { log: unused, acceptedIds } = await openLog();
    await unused.close();
    const down: AcceptedEventIds = { ...acceptedIds, confirm: () => Promise.reject(new Error('Connection terminated unexpectedly')) };
    const { log } = await openLog({}, { acceptedIds: down });

    try {
      await expect(log.append(newStream(), [event(0)])).rejects.toMatchObject({ code: 'EVENT_LOG.UNAVAILABLE', message: expect.stringContaining('send the same request again shortly') });
    // A refusal is no outage: a retry would be refused again.
    await expect(log.append(newStream(), [event(1, 2_000_000)])).rejects.not.toMatchObject({ code: 'EVENT_LOG.UNAVAILABLE' });
    } finally {
      await log.close();
    }
  });

  it('keeps what Kafka took of an append that failed part-way: a retry answers it as duplicates and writes only the rest', async () => {
    const { log } = logs;
    const stream = newStream();
    const written = [event(0, 100), event(1, 100)];
    const tooLarge = event(2, 2_000_000);

    await expect(log.appendMany([{ streamId: stream, events: [...written, tooLarge] }])).rejects.toThrow();
    const [retried] = await log.appendMany([{ streamId: stream, events: [...written, { ...tooLarge, data: { n: 2 } }] }]);

    expect(retried.events.map((e) => [e.streamPosition, e.duplicate])).toEqual([
      [0, true],
      [1, true],
      [2, false],
    ]);
    expect((await log.readStream(stream)).map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
  });

  it('lets one of several claims racing for the same new ids have them, numbering the stream without a gap', async () => {
    const { acceptedIds } = logs;
    const stream = newStream();
    const ids = Array.from({ length: 50 }, () => ({ eventId: randomUUID(), streamId: stream }));
    const results = await Promise.all(Array.from({ length: 4 }, () => acceptedIds.claim(randomUUID(), ids)));

    const winners = results.filter((r) => r.claimed.length > 0);
    expect(winners).toHaveLength(1);
    expect(winners[0].claimed.map((e) => e.streamPosition)).toEqual(ids.map((_, i) => i));
    for (const loser of results.filter((r) => r !== winners[0])) expect([...loser.inFlight].sort()).toEqual(ids.map((e) => e.eventId).sort());
    const next = await acceptedIds.claim(randomUUID(), [{ eventId: randomUUID(), streamId: stream }]);
    expect(next.claimed[0].streamPosition).toBe(ids.length);
  });

  it('forgets ids older than the retention when purged, and keeps numbering their streams', async () => {
    const { log, acceptedIds } = logs;
    const stream = newStream();
    const first = event(0);
    await log.append(stream, [first]);

    expect(await acceptedIds.purgeOlderThan()).toBe(0);
    await sleep(10);
    expect(await acceptedIds.purgeOlderThan(1)).toBeGreaterThanOrEqual(1);
    const again = await log.append(stream, [first]);

    expect(again.events[0]).toMatchObject({ streamPosition: 1, duplicate: false });
    expect(await log.readStream(stream)).toHaveLength(1);
  });
});

describe('Kafka event log: a topic made anew', () => {
  it('appends again, before anything else, the ids the index recorded in the topic it replaces', async () => {
    const { log, acceptedIds } = await openLog({}, { topicFor: (category) => `${topicPrefix}anew.${category}` });
    const stream = streamId('remade', randomUUID());
    const sent = { eventId: randomUUID(), type: 'thing_happened', data: { n: 1 } };
    await log.append(stream, [sent]);
    await log.close();
    const admin = new Kafka({ clientId: `cdp-test-${run}`, brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [`${topicPrefix}anew.remade`] });
    await admin.disconnect();

    // The same index, a log whose topic is made again at its first append: the touchpoint sent again is written, not taken for a duplicate.
    const again = await createKafkaEventLog({ brokers, clientId: `cdp-test-${run}`, codec, acceptedIds, partitions: 3, topicFor: (category) => `${topicPrefix}anew.${category}`, logLevel: logLevel.ERROR });
    try {
      const other = { eventId: randomUUID(), type: 'thing_happened', data: { n: 2 } };
      await again.append(streamId('remade', randomUUID()), [other]);
      const resent = await again.append(stream, [sent]);
      expect(resent.events[0].duplicate).toBe(false);
      expect((await again.readStream(stream)).map((e) => e.eventId)).toEqual([sent.eventId]);
      expect((await again.append(stream, [sent])).events[0].duplicate).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('made anew with fewer partitions while the log runs: an append says so, and the next one writes to the topic as it is now', async () => {
    const topicFor = (category: string) => `${topicPrefix}shrunk.${category}`;
    const { log } = await openLog({}, { topicFor, logLevel: logLevel.NOTHING });
    const admin = new Kafka({ clientId: `cdp-test-${run}`, brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      // Streams enough that some go to partitions 1 and 2 of the three the log made.
      const streams = Array.from({ length: 12 }, () => streamId('shrinking', randomUUID()));
      const thing = () => ({ eventId: randomUUID(), type: 'thing_happened', data: { n: 1 } });
      await log.appendMany(streams.map((s) => ({ streamId: s, events: [thing()] })));
      await admin.deleteTopics({ topics: [topicFor('shrinking')] });
      for (let waited = 0; (await admin.listTopics()).includes(topicFor('shrinking')) && waited < 20_000; waited += 200) await sleep(200);
      const keepsEverything = [{ name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' }];
      await admin.createTopics({ topics: [{ topic: topicFor('shrinking'), numPartitions: 1, configEntries: keepsEverything }], waitForLeaders: true });

      await expect(log.appendMany(streams.map((s) => ({ streamId: s, events: [thing()] })))).rejects.toThrow(
        `Kafka has no topic ${topicFor('shrinking')}, or not the partitions this process knew of it: it was deleted or made anew while the process ran, and is read again for the next request`,
      );
      const again = await log.appendMany(streams.map((s) => ({ streamId: s, events: [thing()] })));
      expect(new Set(again.flatMap((r) => r.events.map((e) => e.position.split(':')[0])))).toEqual(new Set([`${topicFor('shrinking')}/0`]));
    } finally {
      await admin.disconnect();
      await log.close();
    }
  }, 120_000);
});

describe('Kafka event log: settings changed while it runs', () => {
  it('refuses appends, and fails its health, while the topic is set to delete what it takes, and takes them again once mended', async () => {
    const topicFor = (category: string) => `${topicPrefix}retained.${category}`;
    const { log } = await openLog({}, { topicFor, topicSettingsCheckMs: 0, logLevel: logLevel.NOTHING });
    const admin = new Kafka({ clientId: `cdp-test-${run}`, brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    const retention = (value: string) =>
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topicFor('kept'), configEntries: [{ name: 'retention.ms', value }] }] });
    const append = () => log.append(streamId('kept', randomUUID()), [{ eventId: randomUUID(), type: 'thing_happened', data: { n: 1 } }]);
    // Another process's log that only reads the topic (a projector, the API).
    const { log: reader } = await openLog({}, { topicFor, subscribeTo: ['kept'], topicSettingsCheckMs: 0 });
    try {
      await append();
      // An operator's change, as `kafka-configs.sh --alter --add-config retention.ms=60000` makes it.
      await retention('60000');
      const refused = `Kafka keeps the touchpoint log with settings that would delete what it takes: Kafka topic ${topicFor('kept')} has retention.ms=60000 where the platform needs -1`;
      await eventuallyRejects(append, refused);
      await expect(log.ping()).rejects.toThrow(`Kafka topic ${topicFor('kept')} has retention.ms=60000`);
      await expect(reader.ping()).resolves.toBeUndefined();

      await retention('-1');
      for (let waited = 0; waited < 20_000 && (await append().then(() => false, () => true)); waited += 200) await sleep(200);
      await expect(append()).resolves.toMatchObject({ events: [{ duplicate: false }] });
      await expect(log.ping()).resolves.toBeUndefined();
    } finally {
      await admin.disconnect();
      await reader.close();
      await log.close();
    }
  }, 60_000);

  /** The broker applies a changed setting a moment later. */
  async function eventuallyRejects(work: () => Promise<unknown>, message: string): Promise<void> {
    for (let waited = 0; waited < 20_000; waited += 200) {
      const failure = await work().then(() => undefined, (error: Error) => error);
      if (failure !== undefined) {
        expect(failure.message).toContain(message);
        return;
      }
      await sleep(200);
    }
    throw new Error(`no refusal within 20 s: ${message}`);
  }
});

describe('Kafka event log: what it no longer holds', () => {
  it('tells what a subscriber at a checkpoint can no longer read, once records were deleted', async () => {
    const topicFor = (category: string) => `${topicPrefix}trimmed.${category}`;
    const { log } = await openLog({}, { topicFor, subscribeTo: [new RegExp(`^${topicPrefix.replace(/\./g, '\\.')}trimmed\\.`)] });
    const admin = new Kafka({ clientId: `cdp-test-${run}`, brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    try {
      const stream = streamId('trimmed', randomUUID());
      const [, second] = (await log.append(stream, [0, 1, 2].map((n) => ({ eventId: randomUUID(), type: 'thing_happened', data: { n } })))).events;
      const [partition, offset] = second.position.split(':');
      expect(await log.lostAfter!({})).toBeUndefined();

      // As a retention would, or kafka-delete-records: the partition now begins at the second event.
      await admin.fetchTopicMetadata({ topics: [topicFor('trimmed')] });
      await admin.deleteTopicRecords({ topic: topicFor('trimmed'), partitions: [{ partition: Number(partition.split('/').pop()), offset }] });

      expect(await log.lostAfter!({})).toBe(
        `${offset} messages of the log were deleted before they were read (${partition} begins at offset ${offset}, where 0 is next to read): ` +
          'a topic kept with a retention (retention.ms, retention.bytes) or records deleted by hand. Set the topic to keep everything (docs/operations.md, Two modes), and restore the deleted messages from a backup that keeps offsets',
      );
      // A subscriber that had read up to just before it lost nothing.
      expect(await log.lostAfter!({ [partition]: String(BigInt(offset) - 1n) })).toBeUndefined();
    } finally {
      await admin.disconnect();
      await log.close();
    }
  });
});

describe('Kafka event log: the accepted-ids index checked against a topic', () => {
  it("forgets nothing for ids confirmed while the topic's ends were read, nor for another category's", async () => {
    const { log, acceptedIds } = await openLog();
    await log.close();
    const accept = async (category: string, offset: string) => {
      const event = { eventId: randomUUID(), streamId: streamId(category, randomUUID()) };
      const claimId = randomUUID();
      const [claimed] = (await acceptedIds.claim(claimId, [event])).claimed;
      await acceptedIds.confirm(claimId, [{ ...claimed, partition: 0, offset }]);
    };
    await accept('shops', '4');
    await accept('calls', '700');
    // Another process appends to the healthy topic while this one reads its ends: its offset is the end just read.
    const racing = async () => (await accept('shops', '5'), new Map([[0, '5']]));
    expect(await acceptedIds.forgetIfTopicLost('shops', racing)).toBe(0);
    expect(await acceptedIds.forgetIfTopicLost('shops', async () => new Map([[0, '6']]))).toBe(0);
    // The shops topic made anew: its ids go, the calls topic's stay.
    expect(await acceptedIds.forgetIfTopicLost('shops', async () => new Map([[0, '0']]))).toBe(2);
    expect(await acceptedIds.forgetIfTopicLost('calls', async () => new Map([[0, '701']]))).toBe(0);
  });
});

describe('Kafka event log: subscriptions', () => {
  const event = (n: number): NewEvent => ({ eventId: randomUUID(), type: 'thing_happened', data: { n } });
  let log: EventLog;
  const admin = new Kafka({ clientId: `cdp-test-${run}`, brokers, logLevel: logLevel.ERROR }).admin();
  beforeAll(async () => {
    ({ log } = await openLog());
    await admin.connect();
  });
  afterAll(async () => {
    await log.close();
    await admin.disconnect();
  });

  /** Subscribes until `count` events of `stream` arrived, then closes. */
  async function eventsOf(stream: string, count: number, subscriberId: string = randomUUID()) {
    const seen: RecordedEvent[] = [];
    let enough: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (enough = resolve));
    const subscription = await log.subscribe({
      subscriberId,
      from: {},
      onBatch: async ({ events }) => {
        seen.push(...events.filter((e) => e.streamId === stream));
        if (seen.length >= count) enough();
      },
    });
    await arrived;
    await subscription.close();
    return seen;
  }

  it('follows every topic it is given, naming each partition with its topic', async () => {
    const [a, b] = [streamId('shops', randomUUID()), streamId('calls', randomUUID())];
    await log.appendMany([
      { streamId: a, events: [event(0)] },
      { streamId: b, events: [event(1)] },
    ]);

    const [fromA, fromB] = await Promise.all([eventsOf(a, 1), eventsOf(b, 1)]);
    expect(fromA[0].partition).toMatch(/^cdp-test\.\w+\.shops\/\d+$/);
    expect(fromB[0].position).toBe(`${fromB[0].partition}:${fromB[0].offset}`);
  });

  it('holds back, and reports, a partition that ends before its checkpoint (the topic deleted and made anew), even once it grows past it, rather than skip what it holds, until its checkpoint changes', async () => {
    const { log: checkingLog } = await openLog({}, { heldPartitionCheckMs: 100 });
    const stream = streamId('remade', randomUUID());
    await checkingLog.append(stream, [event(0), event(1)]);
    const [first] = await eventsOf(stream, 1);
    // A checkpoint past the partition's end: what a projection holds after its topic was deleted and created again.
    let checkpoint: Record<string, string> = { [first.partition]: String(Number(first.offset) + 3) };
    const delivered: RecordedEvent[] = [];
    const errors: unknown[] = [];
    const subscription = await checkingLog.subscribe({
      subscriberId: randomUUID(),
      from: checkpoint,
      checkpointOf: async () => checkpoint,
      onBatch: async ({ events }) => void delivered.push(...events.filter((e) => e.partition === first.partition)),
      onError: (error) => void (error instanceof LogShorterThanCheckpointError && errors.push(error)),
    });
    try {
      for (let waited = 0; errors.length === 0 && waited < 20_000; waited += 100) await sleep(100);
      // The new topic grows past the old checkpoint: its events up to it were never read, so reading on from it would skip them.
      await checkingLog.append(stream, [event(2), event(3), event(4), event(5)]);
      const reported = errors.length;
      await sleep(2_000);
      expect(errors[0]).toBeInstanceOf(LogShorterThanCheckpointError);
      expect((errors[0] as Error).message).toMatch(
        new RegExp(`partition \\d+ ended at offset ${Number(first.offset) + 2} when offsets up to ${Number(first.offset) + 3} had been processed: the topic was deleted or replaced, and the partition is held back`),
      );
      expect(errors.length).toBeGreaterThan(reported);
      expect(delivered).toEqual([]);

      // A rebuild swaps in a checkpoint that holds nothing of the partition: it is read from its beginning.
      checkpoint = {};
      for (let waited = 0; delivered.filter((e) => e.streamId === stream).length < 6 && waited < 20_000; waited += 100) await sleep(100);
      expect(delivered.filter((e) => e.streamId === stream).map((e) => e.streamPosition)).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await subscription.close();
      await checkingLog.close();
    }
  });

  it('reads from the beginning when restarted with an empty checkpoint, whatever it committed to Kafka', async () => {
    const stream = streamId('rebuilt', randomUUID());
    await log.append(stream, [event(0), event(1)]);
    const subscriberId = `rebuild-${run}`;

    const [first] = await eventsOf(stream, 2, subscriberId);
    const topic = `${topicPrefix}rebuilt`;
    const [committed] = await admin.fetchOffsets({ groupId: subscriberId, topics: [topic] });
    expect(committed.partitions.find((p) => `${topic}/${p.partition}` === first.partition)?.offset).toBe(String(Number(first.offset) + 2));
    const rebuilt = await eventsOf(stream, 2, subscriberId);

    expect(rebuilt.map((e) => e.streamPosition)).toEqual([0, 1]);
  });

  it('keeps its partitions through a batch that takes longer than the group session (6 s here)', async () => {
    const stream = streamId('slow', randomUUID());
    await log.append(stream, [event(0)]);
    const errors: unknown[] = [];
    const seen: number[] = [];
    let slowed = false;
    const subscription = await log.subscribe({
      subscriberId: `slow-${run}`,
      from: {},
      onError: (error) => errors.push(error),
      onBatch: async ({ events }) => {
        const ours = events.filter((e) => e.streamId === stream);
        if (ours.length > 0 && !slowed) {
          slowed = true;
          await sleep(8_000);
        }
        seen.push(...ours.map((e) => (e.data as { n: number }).n));
      },
    });
    try {
      for (let waited = 0; !seen.includes(0); waited += 100) {
        if (waited > 30_000) throw new Error('the first event did not arrive');
        await sleep(100);
      }
      await log.append(stream, [event(1)]);
      for (let waited = 0; !seen.includes(1); waited += 100) {
        if (waited > 30_000) throw new Error('the second event did not arrive');
        await sleep(100);
      }
    } finally {
      await subscription.close();
    }
    expect(errors).toEqual([]);
    expect(seen).toEqual([0, 1]);
  }, 60_000);

  it('hands over batches of different partitions at once with concurrentPartitions, never two of one partition, each in order', async () => {
    const { log: spreadLog } = await openLog({}, { subscribeTo: ['spread'] });
    // One stream per event, so that the events spread over the topic's 3 partitions.
    const events = Array.from({ length: 30 }, (_, n) => event(n));
    await spreadLog.appendMany(events.map((e) => ({ streamId: streamId('spread', randomUUID()), events: [e] })));
    const delivered = new Map<string, RecordedEvent[]>();
    const inHand = new Set<string>();
    let mostAtOnce = 0;
    let twiceInHand = false;
    const subscription = await spreadLog.subscribe({
      subscriberId: `spread-${run}`,
      from: {},
      concurrentPartitions: true,
      onBatch: async ({ partition, events: batch }) => {
        twiceInHand ||= inHand.has(partition);
        inHand.add(partition);
        mostAtOnce = Math.max(mostAtOnce, inHand.size);
        await sleep(300);
        delivered.set(partition, [...(delivered.get(partition) ?? []), ...batch]);
        inHand.delete(partition);
      },
    });
    try {
      for (let waited = 0; [...delivered.values()].flat().length < events.length; waited += 100) {
        if (waited > 30_000) throw new Error('the events did not all arrive');
        await sleep(100);
      }
    } finally {
      await subscription.close();
      await spreadLog.close();
    }

    expect(twiceInHand).toBe(false);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(delivered.size).toBe(3);
    for (const partitionEvents of delivered.values()) expect(partitionEvents.map((e) => BigInt(e.offset))).toEqual(partitionEvents.map((e) => BigInt(e.offset)).sort((a, b) => (a < b ? -1 : 1)));
    expect([...delivered.values()].flat().map((e) => e.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
  }, 60_000);

  it('resumes a partition that comes back to a group member where the member that had it stopped', async () => {
    const { log: groupLog } = await openLog({}, { subscribeTo: ['handover'] });
    // The group's checkpoint as a projection keeps it: one record, written by whichever member processed.
    const stored: Record<string, string> = {};
    const deliveries = new Map<string, string[]>();
    const resumptions = new Map<string, number>();
    const member = (name: string) =>
      groupLog.subscribe({
        subscriberId: `handover-${run}`,
        from: { ...stored },
        checkpointOf: async () => ({ ...stored }),
        onResumed: () => resumptions.set(name, (resumptions.get(name) ?? 0) + 1),
        onBatch: async ({ events, checkpoint }) => {
          for (const e of events) deliveries.set(e.eventId, [...(deliveries.get(e.eventId) ?? []), name]);
          Object.assign(stored, checkpoint);
        },
      });
    // Each event on a stream of its own, so the events spread over the topic's 3 partitions.
    const appended: string[] = [];
    const appendSome = async (count: number) => {
      const events = Array.from({ length: count }, (_, n) => event(n));
      await groupLog.appendMany(events.map((e) => ({ streamId: streamId('handover', randomUUID()), events: [e] })));
      appended.push(...events.map((e) => e.eventId));
    };
    const until = async (what: string, done: () => boolean) => {
      for (let waited = 0; !done(); waited += 200) {
        if (waited > 30_000) throw new Error(`waited 30 s for ${what}`);
        await appendSome(3);
        await sleep(200);
      }
    };
    const deliveredBy = (name: string) => [...deliveries.values()].some((names) => names.includes(name));
    const allDelivered = () => appended.every((id) => deliveries.has(id));

    await appendSome(3); // the topic exists before the group subscribes to it
    const a = await member('a');
    await until('member a to read', () => deliveredBy('a') && allDelivered());
    expect(a.partitions?.()).toHaveLength(3);
    const b = await member('b');
    await until('member b to get partitions', () => deliveredBy('b'));
    // Each member says which partitions the group gave it: between them, all, none twice.
    const [ofA, ofB] = [a.partitions?.() ?? [], b.partitions?.() ?? []];
    expect(ofA.length).toBeGreaterThan(0);
    expect(ofB.length).toBeGreaterThan(0);
    expect(new Set([...ofA, ...ofB]).size).toBe(3);
    expect(ofA.length + ofB.length).toBe(3);
    await b.close(); // a gets b's partitions back
    const beforeHandback = appended.length;
    await until('member a to read past the hand-back', () => allDelivered() && appended.length > beforeHandback + 6);
    expect(a.partitions?.()).toEqual([...ofA, ...ofB].sort((x, y) => Number(x.split('/').pop()) - Number(y.split('/').pop())));
    expect(b.partitions?.()).toEqual([]);
    await a.close();
    await groupLog.close();

    expect([...deliveries.entries()].filter(([, names]) => names.length > 1)).toEqual([]);
    expect(appended.filter((id) => !deliveries.has(id))).toEqual([]);
    // Each join resumed its member: a's first, then a's and b's as b came, then a's as b left.
    expect(resumptions.get('a')).toBeGreaterThanOrEqual(3);
    expect(resumptions.get('b')).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
