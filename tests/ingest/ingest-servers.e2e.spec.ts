import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadSchemaCatalog, touchpointCodec, touchpointExamples, type Touchpoint } from '@cdp/events';
import { IngestModule } from '@cdp/ingest-app';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';
import { describeIngestJourneys } from './ingest-journeys';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const codec = touchpointCodec(loadSchemaCatalog());

/** This file's own Postgres database, Kafka namespace and ClickHouse database, made as its first platform starts. */
let servers: Awaited<ReturnType<typeof isolatedServers>> | undefined;
let making: ReturnType<typeof isolatedServers> | undefined;
afterAll(() => servers?.drop());
const touchpointTopic = () => `${servers!.env.CDP_KAFKA_NAMESPACE}.touchpoints.v1`;

/** Reads the whole touchpoint topic with a plain kafkajs consumer, up to its end, decoding values. */
async function readTopic(): Promise<{ touchpoint: Touchpoint; raw: Buffer; partition: number; offset: string }[]> {
  const topic = touchpointTopic();
  const kafka = new Kafka({ clientId: 'plain-consumer', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `plain-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: { touchpoint: Touchpoint; raw: Buffer; partition: number; offset: string }[] = [];
  const remaining = new Set([...ends].filter(([, end]) => end > 0).map(([p]) => p));
  await new Promise<void>((resolve) => {
    if (remaining.size === 0) resolve();
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({ touchpoint: codec.decode(message.value!).data as Touchpoint, raw: message.value!, partition, offset: message.offset });
        if (Number(message.offset) + 1 >= ends.get(partition)!) remaining.delete(partition);
        if (remaining.size === 0) resolve();
      },
    });
  });
  await consumer.disconnect();
  return messages;
}

const startServers = async (env?: Record<string, string>) => {
  servers = await (making ??= isolatedServers());
  return startPlatformUnderTest('servers', [IngestModule], { ...servers.env, ...env });
};

describeIngestJourneys('servers: Kafka', {
  start: startServers,
  async readBack(_, eventIds) {
    const wanted = new Set(eventIds);
    return (await readTopic()).map((m) => m.touchpoint).filter((t) => wanted.has(t.eventId));
  },
});

describe('the Kafka wire format is standard', () => {
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    platform = await startServers();
  });
  afterAll(() => platform?.close());

  it('a message read with kcat, decoded by python3-avro with its schema from /registry, equals what was posted', async () => {
    const posted = {
      ...touchpointExamples.profile_update,
      eventId: randomUUID(),
      occurredAt: '2026-11-23T07:00:00.000Z',
      identifiers: { customerId: null, email: 'sara.ahmadi@example.com', phone: '+989121234567', loyaltyCard: null, socialHandle: null, deviceId: null },
      consent: { email: 'granted' },
      attributes: { form: 'club-signup-v2' },
    };
    const accepted = await platform.post('/v1/touchpoints', posted);
    expect(accepted.status).toBe(202);
    const [, partition, offset] = /\/(\d+):(\d+)$/.exec(accepted.body.touchpoints[0].position)!;

    const message = execFileSync('kcat', ['-C', '-b', brokers[0], '-t', touchpointTopic(), '-p', partition, '-o', offset, '-c', '1', '-e', '-q', '-f', '%s']);
    const schemaId = message.readInt32BE(1);
    const { body: registered } = await platform.get(`/registry/schemas/ids/${schemaId}`);

    const dir = mkdtempSync(join(tmpdir(), 'cdp-wire-'));
    writeFileSync(join(dir, 'schema.json'), registered.schema);
    writeFileSync(join(dir, 'datum.bin'), message.subarray(5));
    const decoded = JSON.parse(execFileSync('/usr/bin/python3', [join(__dirname, '../support/decode_avro.py'), join(dir, 'schema.json'), join(dir, 'datum.bin')], { encoding: 'utf8' }));

    expect(message[0]).toBe(0);
    expect(decoded).toEqual({ ...posted, receivedAt: expect.stringMatching(/Z$/) });
  });
});
