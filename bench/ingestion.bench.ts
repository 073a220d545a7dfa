import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ConfigResourceTypes, Kafka, logLevel, type Admin, type Message } from 'kafkajs';
import { generateDemoTouchpoints, type DemoTouchpoint } from '@cdp/demo-data';
import { createTopicsAndWait, idempotentProducer, type IdempotentProducer } from '@cdp/event-log-kafka';
import { loadSchemaCatalog, parseStreamId, touchpointCodec, type SchemaCatalog } from '@cdp/events';
import { prepareTouchpoints, type PreparedTouchpoint } from '@cdp/ingestion';
import { IngestModule } from '@cdp/ingest-app';
import { SQL } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { isolatedServers } from '../tests/support/isolated-servers';
import { startPlatformUnderTest, type PlatformUnderTest } from '../tests/support/platform-under-test';
import { progress } from './bench-support';
import { removeIfInterrupted } from './interruptions';

/** Servers mode must ingest at least this share of what raw kafkajs produces. */
export const TARGET_INGESTION_RATIO = 0.6;

export const INGESTION_MODES = ['servers', 'embedded'] as const;
export type IngestionMode = (typeof INGESTION_MODES)[number];

export function isIngestionMode(text: string): text is IngestionMode {
  return (INGESTION_MODES as readonly string[]).includes(text);
}

export interface IngestionOptions {
  /** Touchpoints timed on each side of each mode (the warm-up comes on top). */
  readonly touchpoints: number;
  /** Touchpoints per request and per baseline batch; default 500. */
  readonly batchSize?: number;
  /** Requests (and baseline batches) in flight at once; default 4. */
  readonly concurrency?: number;
  /** Batches sent by each side before the timing starts, not counted; default 4. */
  readonly warmUpBatches?: number;
  /** Which modes to measure; default both. */
  readonly modes?: readonly IngestionMode[];
  readonly log?: (line: string) => void;
}

export interface IngestionRun {
  readonly mode: IngestionMode;
  /** Touchpoints answered 202 (platform) and written (baseline) per second, over the timed rounds. */
  readonly platformPerSecond: number;
  readonly baselinePerSecond: number;
  /** platformPerSecond / baselinePerSecond. */
  readonly ratio: number;
  /** Wall time of the mode, platform start and clean-up included. */
  readonly wallSeconds: number;
}

export interface IngestionFigures {
  readonly touchpoints: number;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly warmUpTouchpoints: number;
  readonly runs: readonly IngestionRun[];
  /** Wall time of the whole benchmark, generating the touchpoints included. */
  readonly wallSeconds: number;
}

/** The same touchpoints for every side: as posted (JSON bodies) and as the platform prepares them. */
interface Workload {
  readonly warmUp: readonly Batch[];
  /** The timed batches in two halves; each side writes both (see alternateRounds). */
  readonly rounds: readonly (readonly Batch[])[];
  readonly timedTouchpoints: number;
}

interface Batch {
  /** The request body of POST /v1/touchpoints. */
  readonly body: string;
  /** Validated and normalised as the platform does it (same event ids, one fixed receivedAt). */
  readonly prepared: readonly PreparedTouchpoint[];
}

/** Who writes the batches: the platform over HTTP, or the raw client of its store. */
type Writer = (batch: Batch) => Promise<void>;

/** The end of the demo data's period, and the receivedAt of the baselines' touchpoints. */
const RECEIVED_AT = '2026-11-01T00:00:00.000Z';
/** Header names of the platform's Kafka messages (libs/event-log-kafka, kafka-message.ts). */
const HEADER = { eventId: 'cdp-event-id', eventType: 'cdp-event-type', streamId: 'cdp-stream-id', streamPosition: 'cdp-stream-position', correlationId: 'cdp-meta-correlationId' };
/** The topic settings the Kafka event log gives its topics, copied onto the baseline's twin. */
const TOPIC_CONFIGS = ['retention.ms', 'message.timestamp.type'];
/** Where embedded mode's baseline writes, in the platform's PGlite. */
const BASELINE_SCHEMA = 'bench_baseline';

/**
 * HTTP batch ingestion (POST /v1/touchpoints, batches of 500, 4 requests at once) into an
 * in-process platform serving the ingest feature alone, in servers mode (→ Kafka) and in embedded
 * mode (→ PGlite), each against the raw client of its store writing the same touchpoints from the
 * same process: kafkajs producing the same Avro messages with the platform's producer settings, and
 * multi-row INSERTs into the event log's table. The two sides alternate (baseline, platform,
 * platform, baseline) so that the machine's noise falls on both.
 */
export async function benchIngestion(options: IngestionOptions): Promise<IngestionFigures> {
  const began = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const batchSize = options.batchSize ?? 500;
  const concurrency = options.concurrency ?? 4;
  const warmUpBatches = options.warmUpBatches ?? 4;
  const catalog = loadSchemaCatalog();
  const workload = demoWorkload(catalog, { touchpoints: options.touchpoints, batchSize, warmUpBatches });
  log(`  ${(workload.timedTouchpoints + warmUpBatches * batchSize).toLocaleString('en')} demo touchpoints generated and prepared after ${seconds(began).toFixed(1)} s`);

  const runs: IngestionRun[] = [];
  for (const mode of options.modes ?? INGESTION_MODES) {
    const run = mode === 'servers' ? await benchServersMode(workload, catalog, concurrency, log) : await benchEmbeddedMode(workload, concurrency, log);
    runs.push(run);
    log(`  ${mode} mode: platform ${perSecond(run.platformPerSecond)}, baseline ${perSecond(run.baselinePerSecond)}, ${run.ratio.toFixed(2)}× in ${run.wallSeconds.toFixed(1)} s`);
  }
  return { touchpoints: workload.timedTouchpoints, batchSize, concurrency, warmUpTouchpoints: warmUpBatches * batchSize, runs, wallSeconds: seconds(began) };
}

/** The summary table's rows: [what, figure, baseline (same run), ratio]. */
export function ingestionRows(figures: IngestionFigures): string[][] {
  const request = `batches of ${figures.batchSize}, ${figures.concurrency} requests at once`;
  return figures.runs.map((run) =>
    run.mode === 'servers'
      ? [
          `Ingestion, POST /v1/touchpoints → Kafka (${request}), servers mode`,
          perSecond(run.platformPerSecond, 'touchpoints'),
          `raw kafkajs, the same Avro messages, idempotent producer, acks all: ${perSecond(run.baselinePerSecond, 'touchpoints')}`,
          `${run.ratio.toFixed(2)}× the baseline's rate`,
        ]
      : [
          `Ingestion, POST /v1/touchpoints → PGlite (${request}), embedded mode`,
          perSecond(run.platformPerSecond, 'touchpoints'),
          `multi-row INSERTs of ${figures.batchSize} of the same rows into a twin of the event log's table: ${perSecond(run.baselinePerSecond, 'rows')}`,
          `${run.ratio.toFixed(2)}× the baseline's rate`,
        ],
  );
}

/** The `## Ingestion` section of docs/benchmarks.md. */
export function ingestionSection(figures: IngestionFigures): string {
  const embedded = figures.runs.find((r) => r.mode === 'embedded');
  const rows = figures.runs.map((r) => `| ${r.mode} | ${perSecond(r.platformPerSecond)} | ${perSecond(r.baselinePerSecond)} | ${r.ratio.toFixed(2)}× |`);
  return `
## Ingestion

How fast \`POST /v1/touchpoints\` takes touchpoints in. ${figures.touchpoints.toLocaleString('en')} generated touchpoints
(\`libs/demo-data\`, about 430 bytes of JSON each) are posted in batches of ${figures.batchSize}, ${figures.concurrency} requests
at once, to a platform started in the benchmark's process that serves the ingest feature alone
(\`IngestModule\`, the Kafka intake off): the rate is touchpoints answered 202 per second. Each
mode is measured against the raw client of its store writing the same touchpoints, prepared
beforehand as the platform prepares them, from the same process and with the same concurrency:

- **servers mode** (a fresh Kafka namespace, Postgres and ClickHouse database, dropped at the
  end): the platform validates and normalises each touchpoint, claims its event id in the
  accepted-ids index (Postgres), produces it to \`<namespace>.touchpoints.v1\` and confirms the
  claim. The baseline encodes the same touchpoints with \`touchpointCodec\` (Avro, Confluent wire
  format) and produces them with kafkajs to a twin topic (the same partitions and settings), with
  the same keys and headers, through the platform's own producer settings: idempotent, acks all,
  one request in flight.
- **embedded mode** (a fresh data folder; PGlite, with chDB opened but idle): the platform
  appends each request in one transaction to the PGlite event log. The baseline writes the same
  rows (stream id and position, event id, type, the touchpoint as JSONB, the metadata) to the
  platform's own PGlite, into an empty twin of the event log's table (\`LIKE event_log.events
  INCLUDING ALL\`: the same columns, keys and indexes), with multi-row INSERTs of ${figures.batchSize}.

Both sides first send ${figures.warmUpTouchpoints.toLocaleString('en')} touchpoints that are not timed; then the timed touchpoints go
in four rounds, baseline, platform, platform, baseline, so that a noisy neighbour on this shared
machine weighs on both.

| mode | platform (touchpoints/s) | baseline (same run) | ratio |
|---|---|---|---|
${rows.join('\n')}

Target: in servers mode, at least ${TARGET_INGESTION_RATIO}× the rate of raw kafkajs. ${ingestionVerdict(figures)}
${embedded ? `Embedded mode has no target; it took in ${embedded.ratio.toFixed(2)}× what raw multi-row INSERTs into PGlite take.` : ''}

${PROFILE_SUMMARY}`;
}

/** Whether servers mode met its target, and by how much it missed it. */
export function ingestionVerdict(figures: IngestionFigures): string {
  const run = figures.runs.find((r) => r.mode === 'servers');
  if (run === undefined) return 'Not measured.';
  if (run.ratio >= TARGET_INGESTION_RATIO) return `Met: ${run.ratio.toFixed(2)}×.`;
  const needed = (TARGET_INGESTION_RATIO * run.baselinePerSecond) / run.platformPerSecond;
  return `**Missed**: ${run.ratio.toFixed(2)}×, ${Math.round((100 * run.ratio) / TARGET_INGESTION_RATIO)}% of the target; ingestion would have to be ${needed.toFixed(1)}× as fast (${perSecond(TARGET_INGESTION_RATIO * run.baselinePerSecond)} here).`;
}

/**
 * What CPU profiles of the hot path showed, read by hand: \`node --cpu-prof --cpu-prof-dir=/tmp/prof -r ./tools/register.js
 * bench/ingestion.run.ts --quick --mode=servers\` (and --mode=embedded), self and total time over the
 * platform's rounds only; the accepted-ids index timed alone with the same batches.
 */
const PROFILE_SUMMARY = `Where the time goes (CPU profiles of the quick mode, 2026-12-04, over the platform's rounds only;
reproduce with \`node --cpu-prof --cpu-prof-dir=/tmp/prof -r ./tools/register.js bench/ingestion.run.ts --quick --mode=servers\`,
or \`--mode=embedded\`, and open the .cpuprofile in Chrome DevTools). In servers mode the platform's
rounds took about 125 µs of the main thread per touchpoint and the baseline's about 46 µs, nearly
all of it kafkajs building its produce requests (its crc32C, in JavaScript, and Buffer copies) and
the Avro encoding. The main thread is now busy all the time (idle 2%): the accepted-ids index
claims a request's ids in one statement and confirms them in another, both run while other
requests are validated, so the wait on Postgres is hidden. Of the platform's time: kafkajs,
Buffers and Avro about 40%, the work the baseline does too; garbage collection 13%; validating and
normalising (\`prepareTouchpoints\`, its Avro-JSON reader compiled once per schema) 12.5%, a
sixth of it libphonenumber; building the messages' headers and routing them 3%; the event log's
bookkeeping of the request's ids 3%; parsing the body 6% (JSON.parse after a scan that proves
every number reads back as written; lossless-json otherwise); the benchmark's own HTTP client
about 7%; the pg client 2.5%. kafkajs sends an idempotent producer's requests one at a time per
broker, whatever maxInFlightRequests says, so the four requests still take turns at the producer;
with the thread busy that costs nothing more. The target leaves about 78 µs per touchpoint, of
which the baseline's own work takes 46: the 80 µs above it (HTTP on both ends, validation, parsing,
the event log's bookkeeping and the garbage they make) would have to shrink to about 32, and no
single part of it is over a fifth.

In embedded mode (profiled before the reader and the body parser above changed) the thread is
never idle (0.5%): PGlite's WebAssembly running the append's
statements (read the known ids, bump the streams' versions, insert through \`jsonb_to_recordset\`
with RETURNING) takes 34% of the platform's time, about 85 µs per touchpoint where the baseline's
plain INSERT takes about 45; validating and normalising 24%; lossless-json 7.5%; garbage
collection 9%; the event log's own JavaScript (grouping by stream, the rows' JSON) 5%.`;

async function benchServersMode(workload: Workload, catalog: SchemaCatalog, concurrency: number, log: (line: string) => void): Promise<IngestionRun> {
  const began = performance.now();
  const servers = await isolatedServers();
  const namespace = servers.env.CDP_KAFKA_NAMESPACE;
  let platform: PlatformUnderTest | undefined;
  let producer: IdempotentProducer | undefined;
  let admin: Admin | undefined;
  const forget = removeIfInterrupted(async () => (await platform?.close(), await servers.drop()));
  try {
    platform = await startPlatformUnderTest('servers', [IngestModule], { ...servers.env, CDP_KAFKA_INTAKE: 'off' });
    log(`  servers mode: the platform (Kafka namespace ${namespace}) listening after ${seconds(began).toFixed(1)} s`);
    const kafka = new Kafka({ clientId: `${namespace}-bench-baseline`, brokers: [...platform.settings.kafkaBrokers], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = idempotentProducer(kafka);
    const post = postingTo(platform);
    // The platform creates its topic on the first append; the baseline's twin copies it.
    await inPool(workload.warmUp, concurrency, post);
    const topic = await twinTopic(admin, `${namespace}.touchpoints.v1`, `${namespace}.bench-baseline.touchpoints.v1`);
    const produce = producingTo(producer, topic, catalog);
    await inPool(workload.warmUp, concurrency, produce);
    const timed = await alternateRounds(workload, concurrency, { baseline: produce, platform: post }, '  servers mode (raw kafkajs and the platform, in turn)');
    return runFigures('servers', workload, timed, began);
  } finally {
    await Promise.allSettled([producer?.close(), admin?.disconnect(), platform?.close()]);
    await servers.drop();
    forget();
  }
}

async function benchEmbeddedMode(workload: Workload, concurrency: number, log: (line: string) => void): Promise<IngestionRun> {
  const began = performance.now();
  let platform: PlatformUnderTest | undefined;
  const forget = removeIfInterrupted(async () => platform?.close());
  try {
    platform = await startPlatformUnderTest('embedded', [IngestModule]);
    log(`  embedded mode: the platform listening after ${seconds(began).toFixed(1)} s`);
    // The baseline writes to the platform's own PGlite (one session, one data folder), into an empty twin of the log's table.
    const sql = platform.app.get<SqlClient>(SQL);
    await sql.query(`CREATE SCHEMA ${BASELINE_SCHEMA}`);
    await sql.query(`CREATE TABLE ${BASELINE_SCHEMA}.events (LIKE event_log.events INCLUDING ALL)`);
    const post = postingTo(platform);
    const insert = insertingInto(sql, `${BASELINE_SCHEMA}.events`);
    await inPool(workload.warmUp, concurrency, post);
    await inPool(workload.warmUp, concurrency, insert);
    const timed = await alternateRounds(workload, concurrency, { baseline: insert, platform: post }, '  embedded mode (raw PGlite and the platform, in turn)');
    return runFigures('embedded', workload, timed, began);
  } finally {
    await platform?.close();
    forget();
  }
}

function runFigures(mode: IngestionMode, workload: Workload, timed: { baseline: number; platform: number }, began: number): IngestionRun {
  const platformPerSecond = workload.timedTouchpoints / timed.platform;
  const baselinePerSecond = workload.timedTouchpoints / timed.baseline;
  return { mode, platformPerSecond, baselinePerSecond, ratio: platformPerSecond / baselinePerSecond, wallSeconds: seconds(began) };
}

/** Runs the rounds baseline, platform, platform, baseline; the seconds each side took in all. */
async function alternateRounds(workload: Workload, concurrency: number, writers: { baseline: Writer; platform: Writer }, label: string): Promise<{ baseline: number; platform: number }> {
  const total = 2 * workload.timedTouchpoints;
  let done = 0;
  const counted = (write: Writer): Writer => async (batch) => {
    await write(batch);
    done += batch.prepared.length;
    progress(label, done, total);
  };
  const schedule: [keyof typeof writers, number][] = [['baseline', 0], ['platform', 0], ['platform', 1], ['baseline', 1]];
  const spent = { baseline: 0, platform: 0 };
  for (const [side, round] of schedule) {
    const start = performance.now();
    await inPool(workload.rounds[round], concurrency, counted(writers[side]));
    spent[side] += seconds(start);
  }
  return spent;
}

/** Posts a batch and expects 202 for all of it. */
function postingTo(platform: PlatformUnderTest): Writer {
  return async (batch) => {
    const { status, body } = await platform.post('/v1/touchpoints', batch.body);
    if (status !== 202) throw new Error(`POST /v1/touchpoints answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  };
}

/**
 * The baseline of servers mode: the platform's Kafka messages (key, Avro value, headers), encoded
 * and produced with the platform's producer settings, one produce request per batch.
 */
function producingTo(producer: IdempotentProducer, topic: string, catalog: SchemaCatalog): Writer {
  const codec = touchpointCodec(catalog);
  const versions = new Map<string, number>();
  const message = ({ touchpoint, streamId }: PreparedTouchpoint, correlationId: string): Message => {
    const position = versions.get(streamId) ?? 0;
    versions.set(streamId, position + 1);
    return {
      key: parseStreamId(streamId).id,
      value: codec.encode({ type: touchpoint.type, data: touchpoint }),
      headers: {
        [HEADER.eventId]: touchpoint.eventId,
        [HEADER.eventType]: touchpoint.type,
        [HEADER.streamId]: streamId,
        [HEADER.streamPosition]: String(position),
        [HEADER.correlationId]: correlationId,
      },
    };
  };
  return async (batch) => {
    const correlationId = randomUUID();
    await producer.send([{ topic, messages: batch.prepared.map((p) => message(p, correlationId)) }]);
  };
}

/** The baseline of embedded mode: the event log's rows, one multi-row INSERT per batch. */
function insertingInto(sql: SqlClient, table: string): Writer {
  const columns = ['stream_id', 'stream_position', 'event_id', 'event_type', 'data', 'metadata'];
  const statements = new Map<number, string>();
  const statementFor = (rows: number) => {
    let statement = statements.get(rows);
    if (statement === undefined) {
      const values = Array.from({ length: rows }, (_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
      statement = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`;
      statements.set(rows, statement);
    }
    return statement;
  };
  const versions = new Map<string, number>();
  return async (batch) => {
    const metadata = JSON.stringify({ correlationId: randomUUID() });
    const params = batch.prepared.flatMap(({ touchpoint, streamId }) => {
      const position = versions.get(streamId) ?? 0;
      versions.set(streamId, position + 1);
      return [streamId, position, touchpoint.eventId, touchpoint.type, JSON.stringify(touchpoint), metadata];
    });
    await sql.query(statementFor(batch.prepared.length), params);
  };
}

/** Creates `twin` with the partitions and the log's settings of `topic`; returns its name. */
async function twinTopic(admin: Admin, topic: string, twin: string): Promise<string> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: TOPIC_CONFIGS }] });
  const configEntries = resources[0].configEntries.map(({ configName, configValue }) => ({ name: configName, value: configValue }));
  await createTopicsAndWait(admin, [{ topic: twin, numPartitions: topics[0].partitions.length, configEntries }]);
  return twin;
}

/** Runs `work` over the items, `concurrency` at a time, each worker taking the next item. */
async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Demo touchpoints in batches: the warm-up, then the timed ones split into two rounds. */
function demoWorkload(catalog: SchemaCatalog, size: { touchpoints: number; batchSize: number; warmUpBatches: number }): Workload {
  const batchCount = size.warmUpBatches + Math.max(2, Math.ceil(size.touchpoints / size.batchSize));
  const bodies = [...takeDemoTouchpoints(batchCount * size.batchSize)];
  if (bodies.length < batchCount * size.batchSize) throw new Error(`the demo data gave only ${bodies.length} touchpoints of the ${batchCount * size.batchSize} wanted`);
  const batches = Array.from({ length: batchCount }, (_, i) => preparedBatch(bodies.slice(i * size.batchSize, (i + 1) * size.batchSize), catalog));
  const timed = batches.slice(size.warmUpBatches);
  const half = Math.ceil(timed.length / 2);
  return { warmUp: batches.slice(0, size.warmUpBatches), rounds: [timed.slice(0, half), timed.slice(half)], timedTouchpoints: timed.length * size.batchSize };
}

function* takeDemoTouchpoints(count: number): Generator<DemoTouchpoint> {
  let taken = 0;
  for (const body of generateDemoTouchpoints({ customers: Math.ceil(count / 5), seed: 'bench-ingestion', end: RECEIVED_AT })) {
    if (taken++ === count) return;
    yield body;
  }
}

function preparedBatch(bodies: readonly DemoTouchpoint[], catalog: SchemaCatalog): Batch {
  const prepared = prepareTouchpoints(bodies, { catalog, receivedAt: RECEIVED_AT, newEventId: randomUUID, defaultPhoneRegion: 'IR' });
  if (!prepared.ok) throw new Error(`generated touchpoints were refused: ${JSON.stringify(prepared.errors.slice(0, 3))}`);
  return { body: JSON.stringify({ touchpoints: bodies }), prepared: prepared.touchpoints };
}

function perSecond(value: number, unit = ''): string {
  return `${Math.round(value).toLocaleString('en')}${unit ? ` ${unit}` : ''}/s`;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}
