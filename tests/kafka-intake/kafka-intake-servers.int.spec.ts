import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type RecordMetadata } from 'kafkajs';
import type { EventLog } from '@cdp/event-log';
import { DEFAULT_SCHEMAS_DIR, frameConfluent, loadSchemaCatalog, touchpointCodec, touchpointExamples } from '@cdp/events';
import { IngestModule } from '@cdp/ingest-app';
import { touchpointStreamId } from '@cdp/ingestion';
import { DEAD_LETTER_HEADERS, headerText, intakeEventId, messagePosition, readTopicToEnd, touchpointIntakeTopics } from '@cdp/kafka-intake';
import { openStores, readSettings, TOUCHPOINT_LOG } from '@cdp/platform-runtime';
import { processContext, runCli } from '@cdp/cli-app';
import { eventually } from '../support/eventually';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'kafka-intake-test', brokers, logLevel: logLevel.NOTHING });
const run = randomUUID().slice(0, 8);
const KEY = `producer-${run}`;

/** A schemas folder with one more touchpoint type, survey_probe, published under the next schema id; returns the id. */
function addSurveyProbe(schemasDir: string): number {
  const folder = join(schemasDir, 'touchpoints/survey_probe');
  mkdirSync(folder, { recursive: true });
  const manifest = { type: 'survey_probe', owner: 'customer-research', compatibility: 'backward', money: [], identifiers: {}, channel: null };
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const payload = {
    type: 'record',
    name: 'SurveyProbePayload',
    namespace: 'cdp.touchpoints',
    fields: [
      { name: 'question', type: 'string' },
      { name: 'score', type: 'int' },
    ],
  };
  writeFileSync(join(folder, 'v1.avsc'), JSON.stringify(payload, null, 2));
  const file = join(schemasDir, 'schema-ids.json');
  const registry = JSON.parse(readFileSync(file, 'utf8')) as { ids: { id: number }[] };
  const id = Math.max(...registry.ids.map((entry) => entry.id)) + 1;
  registry.ids.push({ id, schema: 'touchpoints/survey_probe', payload: 'v1', envelope: 'v1' } as { id: number });
  writeFileSync(file, JSON.stringify(registry, null, 2));
  return id;
}

/** A touchpoint as an Avro producer writes it: every envelope field, its receivedAt its own (the platform sets another). */
function avroTouchpoint(type: string, identifiers: Record<string, string>, payload: Record<string, unknown>) {
  const none = { customerId: null, email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null };
  const at = new Date().toISOString();
  return { eventId: randomUUID(), type, source: 'kafka-producer', occurredAt: at, receivedAt: at, identifiers: { ...none, ...identifiers }, traits: null, consent: null, attributes: {}, payload };
}

/** `cdp dlq replay` with this environment: its exit code and what it wrote. */
async function cdpDlqReplay(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const terminal = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), progress: undefined };
  const code = await runCli(['dlq', 'replay'], { ...processContext, terminal, env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('producing straight to Kafka: the intake, its dead letters and their replay (servers: Kafka + Postgres)', () => {
  const schemasDir = mkdtempSync(join(tmpdir(), 'cdp-schemas-'));
  /** The registry a producer of the new type already uses, before the platform has it. */
  const producerSchemasDir = mkdtempSync(join(tmpdir(), 'cdp-producer-schemas-'));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  let servers: Awaited<ReturnType<typeof isolatedServers>>;
  let platform: PlatformUnderTest;
  let topics: ReturnType<typeof touchpointIntakeTopics>;
  let log: EventLog;

  const produce = async (values: Buffer[]) => {
    const [written]: RecordMetadata[] = await producer.send({ topic: topics.raw, messages: values.map((value) => ({ key: KEY, value })) });
    return values.map((_, i) => messagePosition(topics.raw, written.partition, String(BigInt(written.baseOffset!) + BigInt(i))));
  };
  const streamOf = (stream: string, count: number) =>
    eventually(async () => {
      const events = await log.readStream(stream);
      return events.length >= count ? events : undefined;
    }, `${count} event(s) in ${stream}`);
  const deadLetters = (count: number) =>
    eventually(async () => {
      const read: { key: string; value: Buffer; headers: Record<string, string | undefined> }[] = [];
      // A topic made again answers "not the leader" until its partitions have their leaders: read again.
      const readAll = readTopicToEnd(kafka, topics.deadLetters, async (_, messages) => {
        for (const m of messages) {
          const headers = Object.fromEntries(Object.values(DEAD_LETTER_HEADERS).map((name) => [name, headerText(m.headers, name)]));
          read.push({ key: m.key!.toString(), value: m.value!, headers });
        }
      });
      if ((await readAll.then(() => true, (error: { retriable?: boolean }) => (error.retriable ? false : Promise.reject(error)))) === false) return undefined;
      return read.length >= count ? read : undefined;
    }, `${count} dead letter(s)`);

  beforeAll(async () => {
    cpSync(DEFAULT_SCHEMAS_DIR, schemasDir, { recursive: true });
    cpSync(DEFAULT_SCHEMAS_DIR, producerSchemasDir, { recursive: true });
    servers = await isolatedServers();
    platform = await startPlatformUnderTest('servers', [IngestModule], { ...servers.env, CDP_SCHEMAS_DIR: schemasDir });
    topics = touchpointIntakeTopics(platform.settings.kafkaNamespace);
    log = platform.app.get(TOUCHPOINT_LOG);
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await platform?.close();
    await servers?.drop();
    rmSync(schemasDir, { recursive: true, force: true });
    rmSync(producerSchemasDir, { recursive: true, force: true });
  });

  const email = `sara.${run}@example.com`;
  const customerId = `c-json-${run}`;
  let refusedSources: string[];

  it('appends valid Avro and JSON touchpoints, and dead-letters the bad messages among them with the reason, byte for byte', async () => {
    const catalog = loadSchemaCatalog(schemasDir);
    const avroVisit = avroTouchpoint('visit', { email: email.toUpperCase() }, { channel: 'web', location: '/menu', durationSec: 95, purpose: null });
    const bad = [
      frameConfluent(999_999, Buffer.from([2, 4, 6])),
      Buffer.from('{ "type": "visit", definitely not JSON'),
      Buffer.from(JSON.stringify({ ...touchpointExamples.visit, identifiers: {} })),
    ];
    const before = Date.now();
    const [avroAt, ...rest] = await produce([
      touchpointCodec(catalog).encode({ type: 'visit', data: avroVisit }),
      ...bad,
      // After the bad ones: the intake goes on past them.
      Buffer.from(JSON.stringify({ ...touchpointExamples.purchase, identifiers: { customerId } })),
    ]);
    refusedSources = rest.slice(0, 3);
    const jsonAt = rest[3];

    const [visit] = await streamOf(touchpointStreamId(`email:${email}`), 1);
    expect(visit).toMatchObject({ eventId: avroVisit.eventId, type: 'visit', metadata: { correlationId: avroAt } });
    expect(Date.parse((visit.data as { receivedAt: string }).receivedAt)).toBeGreaterThanOrEqual(before - 1000);
    const [purchase] = await streamOf(touchpointStreamId(`customerId:${customerId}`), 1);
    expect(purchase).toMatchObject({ eventId: intakeEventId(jsonAt), type: 'purchase', data: { payload: { amount: '300000', currency: 'IRR' } } });

    const letters = await deadLetters(3);
    expect(letters.map((l) => l.headers[DEAD_LETTER_HEADERS.source])).toEqual(refusedSources);
    expect(letters.map((l) => [l.headers[DEAD_LETTER_HEADERS.code], l.headers[DEAD_LETTER_HEADERS.reason]])).toEqual([
      ['UNKNOWN_SCHEMA_ID', expect.stringMatching(/^schema id 999999 is not in the registry/)],
      ['UNDECODABLE', expect.stringMatching(/^neither Avro in the Confluent wire format .* nor JSON/)],
      ['INVALID_TOUCHPOINT', expect.stringMatching(/^identifiers: needs at least one real identifier/)],
    ]);
    for (const [i, letter] of letters.entries()) {
      expect(letter.key).toBe(KEY);
      expect(letter.value.equals(bad[i])).toBe(true);
      expect(letter.headers[DEAD_LETTER_HEADERS.failedAt]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('dead-letters a type the platform lacks, and `cdp dlq replay` appends it once the type is added, and only once', async () => {
    const probeId = addSurveyProbe(producerSchemasDir);
    const probe = avroTouchpoint('survey_probe', { email: `probe.${run}@example.com` }, { question: 'How was the kabab?', score: 5 });
    const [probeAt] = await produce([touchpointCodec(loadSchemaCatalog(producerSchemasDir)).encode({ type: 'survey_probe', data: probe })]);
    const letters = await deadLetters(4);
    expect(letters[3].headers).toMatchObject({ [DEAD_LETTER_HEADERS.code]: 'UNKNOWN_SCHEMA_ID', [DEAD_LETTER_HEADERS.source]: probeAt });

    expect(addSurveyProbe(schemasDir)).toBe(probeId);
    const env = { ...process.env, ...servers.env, CDP_MODE: 'servers', CDP_SCHEMAS_DIR: schemasDir };
    const first = await cdpDlqReplay(env);
    expect(first.stdout).toMatch(/^appended +1$/m);
    expect(first.stdout).toMatch(/^already in the log +0$/m);
    expect(first.stdout).toMatch(/^still refused +3$/m);
    for (const source of refusedSources) expect(first.stdout).toContain(source);
    expect(first).toMatchObject({ code: 1, stderr: expect.stringContaining('3 dead letter(s) are still refused') });

    const fixed = await openStores(readSettings(env));
    try {
      expect(await fixed.touchpointLog.readStream(touchpointStreamId(`email:probe.${run}@example.com`))).toEqual([
        expect.objectContaining({ eventId: probe.eventId, type: 'survey_probe', data: expect.objectContaining({ payload: { question: 'How was the kabab?', score: 5 } }) }),
      ]);
    } finally {
      await fixed.close();
    }

    const second = await cdpDlqReplay(env);
    expect(second.stdout).toMatch(/^appended +0$/m);
    expect(second.stdout).toMatch(/^already in the log +1$/m);
  });

  it('makes its dead-letter topic again when it was deleted while the intake ran, and dead-letters into it', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topics.deadLetters] });
      await eventually(async () => ((await admin.listTopics()).includes(topics.deadLetters) ? undefined : true), 'the dead-letter topic to be gone');
      const [at] = await produce([Buffer.from('{ "type": "visit", not JSON either')]);
      const [letter] = await deadLetters(1);
      expect(letter.headers[DEAD_LETTER_HEADERS.source]).toBe(at);
    } finally {
      await admin.disconnect();
    }
  }, 90_000);

});
