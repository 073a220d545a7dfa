import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { AppendResult, EventLog, StreamWrite } from '@cdp/event-log';
import { loadSchemaCatalog, touchpointExamples } from '@cdp/events';
import { DEAD_LETTER_HEADERS, headerText } from './dead-letter-message';
import { touchpointIntakeTopics } from './intake-topics';
import { readTopicToEnd } from './read-topic-to-end';
import { runTouchpointIntake, type TouchpointIntake } from './run-touchpoint-intake';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'intake-test', brokers, logLevel: logLevel.NOTHING });
const namespace = `intake-test-${randomUUID().slice(0, 8)}`;
const topics = touchpointIntakeTopics(namespace, 2);
const catalog = loadSchemaCatalog();

/** A touchpoint log that refuses its first `failures` appends, as a log that is down would, then keeps what it is given. */
function flakyLog(failures: number) {
  const appended: StreamWrite[] = [];
  let calls = 0;
  const log = {
    async appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
      if (++calls <= failures) throw new Error('the log is down');
      // As a log does, the second of two writes of one id, in this call or an earlier one, is a duplicate.
      const known = new Set(appended.flatMap((w) => w.events.map((e) => e.eventId)));
      const results = writes.map(({ streamId, events }) => ({
        streamId,
        events: events.map((e) => {
          const duplicate = known.has(e.eventId);
          known.add(e.eventId);
          return { eventId: e.eventId, streamPosition: 0, position: '0', duplicate };
        }),
      }));
      appended.push(...writes.filter((_, i) => !results[i].events[0].duplicate));
      return results;
    },
  } as unknown as EventLog;
  return { log, eventIds: () => appended.flatMap((w) => w.events.map((e) => e.eventId)) };
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const producer = kafka.producer();
const admin = kafka.admin();
const json = (body: unknown) => ({ key: 'producer-1', value: JSON.stringify(body) });
const committed = async () => (await admin.fetchOffsets({ groupId: topics.group, topics: [topics.raw] }))[0].partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);

beforeAll(async () => {
  await Promise.all([producer.connect(), admin.connect()]);
});

afterAll(async () => {
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topics.raw, topics.deadLetters] }).catch(() => undefined);
  await admin.deleteGroups([topics.group]).catch(() => undefined);
  await admin.disconnect();
});

describe('the Kafka intake loop (real Kafka, a log that fails)', () => {
  it('takes a batch again after the log failed, commits only what it took, and resumes from its commit after a restart', async () => {
    const { log, eventIds } = flakyLog(1);
    const errors: unknown[] = [];
    let duplicates = 0;
    const start = () =>
      runTouchpointIntake({
        kafka,
        topics,
        log,
        catalog,
        policy: { defaultPhoneRegion: 'IR' },
        now: () => new Date(),
        onError: (e) => errors.push(e),
        onDuplicates: (count) => (duplicates += count),
      });
    let intake: TouchpointIntake = await start();
    try {
      await producer.send({
        topic: topics.raw,
        messages: [json(touchpointExamples.visit), json({ ...touchpointExamples.visit, identifiers: {} }), json(touchpointExamples.call)],
      });
      await until(async () => ((await committed()) === 3 ? true : undefined), 'the three messages to be committed');
      expect(errors.map((e) => (e as Error).message)).toContain('the log is down');
      expect(eventIds()).toHaveLength(2);

      const deadLetters: string[] = [];
      await readTopicToEnd(kafka, topics.deadLetters, async (_, messages) => {
        deadLetters.push(...messages.map((m) => `${headerText(m.headers, DEAD_LETTER_HEADERS.code)} ${headerText(m.headers, DEAD_LETTER_HEADERS.source)}`));
      });
      expect(deadLetters).toEqual([expect.stringMatching(new RegExp(`^INVALID_TOUCHPOINT ${topics.raw.replace(/\./g, '\\.')}/\\d:1$`))]);

      await intake.close();
      intake = await start();
      await producer.send({ topic: topics.raw, messages: [json(touchpointExamples.refund)] });
      await until(async () => ((await committed()) === 4 ? true : undefined), 'the fourth message to be committed');
      expect(eventIds()).toHaveLength(3);
      expect(new Set(eventIds()).size).toBe(3);
      expect(duplicates).toBe(0);

      // An event id a producer uses for a second, other touchpoint: counted, for operators to see.
      const reused = randomUUID();
      await producer.send({ topic: topics.raw, messages: [json({ ...touchpointExamples.visit, eventId: reused }), json({ ...touchpointExamples.call, eventId: reused })] });
      await until(async () => ((await committed()) === 6 ? true : undefined), 'the reused id\'s two messages to be committed');
      expect(duplicates).toBe(1);
    } finally {
      await intake.close();
    }
  });

  it('sets aside a refused message too large for the dead-letter topic without its value, and goes on with the partition', async () => {
    // A dead-letter topic made beforehand with a small limit: as a cluster's default of 1 MiB is for a raw message of 1 MiB.
    const small = touchpointIntakeTopics(`${namespace}-small`, 1);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: small.deadLetters, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }, { name: 'max.message.bytes', value: String(64 * 1024) }] }],
    });
    const { log } = flakyLog(0);
    const intake = await runTouchpointIntake({ kafka, topics: small, log, catalog, policy: { defaultPhoneRegion: 'IR' }, now: () => new Date() });
    const smallCommitted = async () => Number((await admin.fetchOffsets({ groupId: small.group, topics: [small.raw] }))[0].partitions[0].offset);
    try {
      const large = json({ ...touchpointExamples.visit, identifiers: {}, attributes: { note: 'x'.repeat(100 * 1024) } });
      const invalid = json({ ...touchpointExamples.visit, identifiers: {} });
      await producer.send({ topic: small.raw, messages: [large, invalid] });
      await until(async () => ((await smallCommitted()) === 2 ? true : undefined), 'both refused messages to be committed');

      const deadLetters: { omitted?: string; bytes: number; source?: string }[] = [];
      await readTopicToEnd(kafka, small.deadLetters, async (_, messages) => {
        deadLetters.push(...messages.map((m) => ({ omitted: headerText(m.headers, DEAD_LETTER_HEADERS.valueOmitted), bytes: m.value?.length ?? 0, source: headerText(m.headers, DEAD_LETTER_HEADERS.source) })));
      });
      expect(deadLetters).toEqual([
        { omitted: String(Buffer.byteLength(large.value)), bytes: 0, source: `${small.raw}/0:0` },
        { omitted: undefined, bytes: Buffer.byteLength(invalid.value), source: `${small.raw}/0:1` },
      ]);
    } finally {
      await intake.close();
      await admin.deleteTopics({ topics: [small.raw, small.deadLetters] }).catch(() => undefined);
      await admin.deleteGroups([small.group]).catch(() => undefined);
    }
  }, 60_000);
});
