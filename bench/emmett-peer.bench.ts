import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Event, MessageProcessor, ReadEvent, ReadEventMetadataWithGlobalPosition } from '@event-driven-io/emmett';
import {
  getPostgreSQLEventStore,
  messagesTable,
  postgreSQLEventStoreConsumer,
  PostgreSQLEventStoreDefaultStreamVersion,
  postgreSQLRawBatchSQLProjection,
  rebuildPostgreSQLProjections,
  storeProcessorCheckpoint,
  type PostgresEventStore,
  type PostgreSQLProcessorHandlerContext,
} from '@event-driven-io/emmett-postgresql';
import { escapeLiteral, types } from 'pg';
import { generateDemoJourneys } from '@cdp/demo-data';
import type { RecordedEvent } from '@cdp/event-log';
import { createPostgresEventLog, type PostgresEventLog } from '@cdp/event-log-postgres';
import { loadSchemaCatalog, type Touchpoint } from '@cdp/events';
import { MAX_BATCH_SIZE, prepareTouchpoints, touchpointStreamId, type IngestionContext } from '@cdp/ingestion';
import { migrateProjectionTables, rebuildProjection, type ProjectionDefinition } from '@cdp/projections';
import { createPostgresSqlClient, quoteIdentifier, type SqlClient } from '@cdp/sql';
import { progress, scratchDatabase, timed } from './bench-support';

/**
 * The peer benchmark: our Postgres event store and projection runtime against Emmett's
 * (`@event-driven-io/emmett-postgresql`), on the same touchpoints and the same Postgres server,
 * each store in a fresh scratch database. `peerSection` says what is measured and how.
 */

export interface PeerOptions {
  readonly databaseUrl: string;
  /** One stream per demo customer, each with its first `eventsPerStream` touchpoints. */
  readonly streams: number;
  readonly eventsPerStream: number;
  /** How many of the streams the timed appends write (the rest is loaded untimed); default a tenth, at least 1,000. */
  readonly appendStreams?: number;
  /** How many events Emmett's own rebuild is timed over (it projects about 1,000 a second); default 5,000. */
  readonly emmettRebuildEvents?: number;
}

export interface PeerRate {
  readonly seconds: number;
  /** Appends per second for appends, events per second for a rebuild. */
  readonly perSecond: number;
}

export interface PeerFigures {
  readonly streams: number;
  readonly eventsPerStream: number;
  readonly events: number;
  /** The timed appends: two per stream over the first `appendedStreams` streams. */
  readonly appendedStreams: number;
  readonly appends: number;
  readonly appendedEvents: number;
  readonly concurrency: number;
  /** Events per batch of every rebuild, ours and Emmett's. */
  readonly batchSize: number;
  readonly versions: { readonly emmett: string; readonly emmettPostgresql: string; readonly pongo: string; readonly postgres: string };
  readonly ours: { readonly append: PeerRate; readonly rebuild: PeerRate };
  readonly emmett: {
    readonly append: PeerRate;
    /** `rebuildPostgreSQLProjections` with a raw-SQL projection, timed over its first `events` events. */
    readonly rebuild: PeerRate & { readonly events: number };
    /** Emmett's consumer reading the whole log in global order, with a processor doing our batch fold and writes. */
    readonly batchFold: PeerRate;
    /** Events of its log, as its concurrent appends wrote it, that a global-position checkpoint skips. */
    readonly skippedOnConcurrentLog: number;
  };
}

export const TARGET_REBUILD_PER_SECOND = 25_000;
export const TARGET_TIMES_EMMETT = 2;

const CONCURRENCY = 10;
const BATCH_SIZE = 5_000;
const COUNTS_TABLE = 'touchpoint_counts';
const OUR_SCHEMA = 'peer_counts';
const EMMETT_REBUILD_TABLE = 'emmett_touchpoint_counts';
const EMMETT_FOLD_TABLE = 'emmett_fold_touchpoint_counts';

interface PeerStream {
  readonly streamId: string;
  readonly touchpoints: readonly Touchpoint[];
}

type TouchpointEvent = Event<string, Record<string, unknown> & { readonly occurredAt: string }, { readonly messageId: string }>;
type EmmettReadEvent = ReadEvent<TouchpointEvent, ReadEventMetadataWithGlobalPosition>;
/** Dumbo's SQL: a branded string. */
type EmmettSql = Parameters<PostgreSQLProcessorHandlerContext['execute']['command']>[0];

export async function benchEmmettPeer(options: PeerOptions): Promise<PeerFigures> {
  const streams = peerStreams(options.streams, options.eventsPerStream);
  const events = countEvents(streams);
  const appendedStreams = Math.max(1, Math.min(streams.length, options.appendStreams ?? Math.max(1_000, Math.round(streams.length / 10))));
  const plan = {
    streams,
    events,
    timed: streams.slice(0, appendedStreams),
    rest: streams.slice(appendedStreams),
    types: [...new Set(streams.flatMap((s) => s.touchpoints.map((t) => t.type)))],
    emmettRebuildEvents: Math.min(events, options.emmettRebuildEvents ?? 5_000),
  };
  const appends = plan.timed.reduce((sum, s) => sum + (s.touchpoints.length > 1 ? 2 : 1), 0);
  const ours = await inScratchDatabase(options.databaseUrl, (url) => benchOurs(url, plan));
  const emmett = await inScratchDatabase(options.databaseUrl, (url) => withEmmettTypeParsers(() => benchEmmett(url, plan)));
  if (ours.readModel !== emmett.readModel) throw new Error("our rebuild and Emmett's reader with our fold built different read models");
  return {
    streams: streams.length,
    eventsPerStream: options.eventsPerStream,
    events,
    appendedStreams,
    appends,
    appendedEvents: countEvents(plan.timed),
    concurrency: CONCURRENCY,
    batchSize: BATCH_SIZE,
    versions: { ...emmettVersions(), postgres: ours.postgres },
    ours: { append: rate(appends, ours.append), rebuild: rate(events, ours.rebuild) },
    emmett: {
      append: rate(appends, emmett.append),
      rebuild: { ...rate(plan.emmettRebuildEvents, emmett.rebuild), events: plan.emmettRebuildEvents },
      batchFold: rate(events, emmett.batchFold),
      skippedOnConcurrentLog: emmett.skipped,
    },
  };
}

/** Rows [what, figure, baseline (same run), ratio], as in the table of docs/benchmarks.md. */
export function peerRows(figures: PeerFigures): string[][] {
  const n = (value: number) => Math.round(value).toLocaleString('en');
  const touchpointsPerSecond = (r: PeerRate) => n((r.perSecond * figures.appendedEvents) / figures.appends);
  const times = (ours: PeerRate, theirs: PeerRate) => `${(ours.perSecond / theirs.perSecond).toFixed(2)}× Emmett's rate`;
  const emmett = `Emmett ${figures.versions.emmettPostgresql}`;
  return [
    [
      `Appends with expected version, ${n(figures.appendedStreams)} new streams × ${figures.eventsPerStream} touchpoints in 2 appends each, ${figures.concurrency} at once, Postgres event store`,
      `${n(figures.ours.append.perSecond)} appends/s (${touchpointsPerSecond(figures.ours.append)} touchpoints/s)`,
      `${emmett} appendToStream, the same appends: ${n(figures.emmett.append.perSecond)} appends/s (${touchpointsPerSecond(figures.emmett.append)} touchpoints/s)`,
      times(figures.ours.append, figures.emmett.append),
    ],
    [
      `Projection rebuild (per-customer count and last occurredAt) from ${n(figures.events)} touchpoints, rebuildProjection`,
      `${n(figures.ours.rebuild.perSecond)} touchpoints/s`,
      `${emmett} rebuildPostgreSQLProjections, same read model (timed over ${n(figures.emmett.rebuild.events)}): ${n(figures.emmett.rebuild.perSecond)} touchpoints/s`,
      times(figures.ours.rebuild, figures.emmett.rebuild),
    ],
    [
      `The same rebuild, against Emmett's reader with our batch fold`,
      `${n(figures.ours.rebuild.perSecond)} touchpoints/s`,
      `${emmett} consumer in global order, same fold and batch upserts: ${n(figures.emmett.batchFold.perSecond)} touchpoints/s`,
      times(figures.ours.rebuild, figures.emmett.batchFold),
    ],
  ];
}

/** The section `## The peer: Emmett` of docs/benchmarks.md. */
export function peerSection(figures: PeerFigures): string {
  const n = (value: number) => Math.round(value).toLocaleString('en');
  const x = (ours: PeerRate, theirs: PeerRate) => (ours.perSecond / theirs.perSecond).toFixed(2);
  const s = (r: PeerRate) => `${r.seconds.toFixed(2)} s`;
  const { ours, emmett, versions } = figures;
  const first = Math.ceil(figures.eventsPerStream / 2);
  return `## The peer: Emmett

Our Postgres event store and projection runtime against Emmett's: \`@event-driven-io/emmett-postgresql\`
${versions.emmettPostgresql} with \`@event-driven-io/emmett\` ${versions.emmett} and \`@event-driven-io/pongo\` ${versions.pongo}, on the same Postgres
${versions.postgres} server, each store in a fresh scratch database, with the same ${n(figures.events)} touchpoints:
${n(figures.streams)} demo customers (\`libs/demo-data\`, prepared as ingestion prepares them), the first
${figures.eventsPerStream} touchpoints of each, one stream per customer. Each store has a pool of ${figures.concurrency} connections.

**Appends.** The first ${n(figures.appendedStreams)} streams, each in two appends: its first ${first} touchpoints expecting no
stream, then the rest expecting the version the first append returned; ${n(figures.appends)} appends, ${figures.concurrency} at a
time. Ours is \`append(streamId, events, { expectedVersion })\`, \`'no_stream'\` and then the stream
position. Emmett's is \`appendToStream(streamName, events, { expectedStreamVersion })\`, \`0n\` and then the
version it returned: its Postgres store does not check \`STREAM_DOES_NOT_EXIST\` (it appends to an existing
stream), while \`0n\` creates the stream and fails if it exists. Each touchpoint keeps its event id (Emmett's
\`messageId\`); ours also looks the ids up, to skip those it already holds (a retried append is a
no-op), which Emmett does not. Ours ${n(ours.append.perSecond)} appends/s (${s(ours.append)}), Emmett ${n(emmett.append.perSecond)}
appends/s (${s(emmett.append)}): ${x(ours.append, emmett.append)}× Emmett's rate. The rest of each log is then loaded untimed: ours with
\`appendMany\`, 1,000 touchpoints a call; Emmett's with \`appendToStream\`, one per stream, ${figures.concurrency} at a time.

**Rebuild.** Every event in global order from the start, folded into the same read model, a table of
touchpoints and last \`occurredAt\` per customer: the same fold of a batch (grouped by stream) and the
same upsert (\`INSERT … SELECT FROM jsonb_to_recordset … ON CONFLICT DO UPDATE\`), ${n(figures.batchSize)} events a batch,
each batch in one transaction with its checkpoint. Ours and Emmett's reader with our fold must build
identical tables, and Emmett's own rebuild the counts of what it read, or the run fails.

- Ours: \`rebuildProjection\` with a small \`ProjectionDefinition\` (in \`bench/emmett-peer.bench.ts\`), built aside
  and swapped in: ${n(ours.rebuild.perSecond)} touchpoints/s (${s(ours.rebuild)}).
- Emmett's own rebuild: \`rebuildPostgreSQLProjections\` with a \`postgreSQLRawBatchSQLProjection\` whose \`evolve\`
  is the same fold and upsert, ${n(figures.batchSize)} events a read and \`pullingFrequencyInMs: 0\` (its defaults, 100 events and
  a 50 ms pause per read, would mostly sleep). Its projector hands the projection one event at a time
  and writes the checkpoint after each, so this is two statements per event. Timed over the first
  ${n(emmett.rebuild.events)} events of the log (\`stopAfter\`), since the whole log would take ${n(figures.events / emmett.rebuild.perSecond)} s:
  ${n(emmett.rebuild.perSecond)} touchpoints/s (${s(emmett.rebuild)}); ours is ${x(ours.rebuild, emmett.rebuild)}× its rate.
- Emmett's reader with our fold: its \`postgreSQLEventStoreConsumer\` over the whole log, with a processor
  that folds each batch whole and writes the same upsert and Emmett's \`storeProcessorCheckpoint\` in one
  transaction (what a batch projection on Emmett's store could do): ${n(emmett.batchFold.perSecond)} touchpoints/s (${s(emmett.batchFold)});
  ours is ${x(ours.rebuild, emmett.batchFold)}× its rate. Its messages table has no index on the global position, so every
  read scans the whole table and sorts what lies after the checkpoint: the cost of a read grows with the log.

Emmett's log had to be repaired before it could be rebuilt. Emmett ${versions.emmettPostgresql} reads in commit order
(transaction id, then global position) but checkpoints by the global position alone, and appends
running at once draw positions in another order than they commit: a reader skips every event whose
position is lower than one it has already passed. Of the ${n(figures.events)} events its appends wrote ${figures.concurrency} at a
time, ${n(emmett.skippedOnConcurrentLog)} are such events; a trial rebuild projected exactly the others. So before the rebuilds its
global positions are renumbered in commit order (what appends one at a time would have given) and the
table is rewritten (\`VACUUM FULL\`). Our log checkpoints by (transaction id, position) and needs no repair.
Emmett's repository has since merged a checkpoint of (transaction id, position) (pull request #336), which
the ${versions.emmettPostgresql} package does not have.
Pongo projections were not used: they keep JSON documents, not a table, and take events one at a time too.

Target: a rebuild of at least 25,000 touchpoints/s and at least 2× Emmett. ${peerVerdict(figures)}
`;
}

/** Whether our rebuild met the rate and the ratio to Emmett, and by how much it missed them. */
export function peerVerdict(figures: PeerFigures): string {
  const { ours, emmett } = figures;
  const perSecond = ours.rebuild.perSecond;
  const versusRebuild = perSecond / emmett.rebuild.perSecond;
  const versusFold = perSecond / emmett.batchFold.perSecond;
  const rate =
    perSecond >= TARGET_REBUILD_PER_SECOND
      ? `The rate is met (${Math.round(perSecond).toLocaleString('en')} touchpoints/s)`
      : `**Missed** on the rate: ${Math.round(perSecond).toLocaleString('en')} touchpoints/s is ${Math.round((100 * perSecond) / TARGET_REBUILD_PER_SECOND)}% of it`;
  const peer =
    versusRebuild >= TARGET_TIMES_EMMETT ? `the ratio is met against Emmett's own rebuild (${versusRebuild.toFixed(1)}×)` : `**missed** on the ratio: ${versusRebuild.toFixed(2)}× Emmett's own rebuild`;
  const fold =
    versusFold >= TARGET_TIMES_EMMETT
      ? `and holds against Emmett's reader with our batch fold (${versusFold.toFixed(2)}×)`
      : `but against Emmett's reader with our batch fold it is ${versusFold.toFixed(2)}×: the lead comes from Emmett's one-event-at-a-time projector more than from our reading`;
  return `${rate}; ${peer}, ${fold}.`;
}

/** The first `count` demo customers with at least `eventsPerStream` touchpoints, as ingestion prepares them. */
function peerStreams(count: number, eventsPerStream: number): PeerStream[] {
  let ids = 0;
  const context: IngestionContext = {
    catalog: loadSchemaCatalog(),
    receivedAt: '2026-11-01T00:00:00.000Z',
    newEventId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    defaultPhoneRegion: 'IR',
  };
  const streams: PeerStream[] = [];
  let pending: { streamId: string; bodies: readonly unknown[] }[] = [];
  const flush = () => {
    const prepared = prepareTouchpoints(pending.flatMap((p) => p.bodies), context);
    if (!prepared.ok) throw new Error(`generated touchpoints were refused: ${JSON.stringify(prepared.errors.slice(0, 3))}`);
    let at = 0;
    for (const { streamId, bodies } of pending) {
      streams.push({ streamId, touchpoints: prepared.touchpoints.slice(at, at + bodies.length).map((t) => t.touchpoint) });
      at += bodies.length;
    }
    pending = [];
    progress('  preparing touchpoints', streams.length, count);
  };
  for (const { customer, touchpoints } of generateDemoJourneys({ customers: 10_000_000, seed: 'peer', end: '2026-11-01T00:00:00Z' })) {
    if (touchpoints.length < eventsPerStream) continue;
    if ((pending.length + 1) * eventsPerStream > MAX_BATCH_SIZE) flush();
    pending.push({ streamId: touchpointStreamId(`email:${customer.identifiers.email}`), bodies: touchpoints.slice(0, eventsPerStream) });
    if (streams.length + pending.length === count) break;
  }
  flush();
  return streams;
}

interface Plan {
  readonly streams: readonly PeerStream[];
  readonly events: number;
  /** Written by the timed appends. */
  readonly timed: readonly PeerStream[];
  /** Loaded untimed, to make the log the rebuilds read. */
  readonly rest: readonly PeerStream[];
  readonly types: readonly string[];
  readonly emmettRebuildEvents: number;
}

async function inScratchDatabase<T>(baseUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const database = await scratchDatabase(baseUrl);
  return work(database.url).finally(() => database.drop());
}

async function benchOurs(url: string, plan: Plan) {
  const sql = createPostgresSqlClient({ connectionString: url, max: CONCURRENCY });
  const log = await createPostgresEventLog(sql);
  try {
    await migrateProjectionTables(sql);
    const append = await timed(() => appendTwice(plan.timed, 'our appends', ourAppend(log)));
    await checkStream(plan.timed[0], (await log.readStream(plan.timed[0].streamId)).map((e) => e.eventId));
    await loadOurs(log, plan.rest);
    await sql.query('VACUUM ANALYZE');
    let shown = -1;
    const rebuild = await timed(() =>
      rebuildProjection({
        definition: countsProjection(),
        log,
        sql,
        maxBatchSize: BATCH_SIZE,
        onProgress: ({ processed, total }) => {
          if (processed !== shown) progress('  our rebuild', processed, total);
          shown = processed;
        },
      }),
    );
    const readModel = await checkReadModel(sql, `${quoteIdentifier(OUR_SCHEMA)}.${COUNTS_TABLE}`, plan.streams.length, plan.events, 'our rebuild');
    const { rows } = await sql.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
    return { append: append.seconds, rebuild: rebuild.seconds, readModel, postgres: rows[0].version.split(' ')[0] };
  } finally {
    await log.close();
    await sql.close();
  }
}

function ourAppend(log: PostgresEventLog) {
  return async (streamId: string, touchpoints: readonly Touchpoint[], expected: number | 'no_stream') => {
    const result = await log.append(streamId, touchpoints.map(toNewEvent), { expectedVersion: expected });
    return result.events[result.events.length - 1].streamPosition;
  };
}

/** The rest of our log with appendMany, 1,000 touchpoints a call as ingestion appends a batch, two calls at once (untimed). */
async function loadOurs(log: PostgresEventLog, streams: readonly PeerStream[]) {
  const perCall = Math.max(1, Math.floor(MAX_BATCH_SIZE / Math.max(1, streams[0]?.touchpoints.length ?? 1)));
  const calls = Math.ceil(streams.length / perCall);
  await concurrently(
    calls,
    2,
    (i) => log.appendMany(streams.slice(i * perCall, (i + 1) * perCall).map((s) => ({ streamId: s.streamId, events: s.touchpoints.map(toNewEvent) }))),
    'loading the rest of our log, appendMany calls',
    10,
  );
}

async function benchEmmett(url: string, plan: Plan) {
  const sql = createPostgresSqlClient({ connectionString: url, max: 2 });
  const store = getPostgreSQLEventStore(url);
  try {
    await store.schema.migrate();
    const append = await timed(() => appendTwice(plan.timed, 'Emmett appends', emmettAppend(store)));
    await checkStream(plan.timed[0], (await store.readStream<TouchpointEvent>(plan.timed[0].streamId)).events.map((e) => e.metadata.messageId));
    await loadEmmett(url, plan.rest);
    const skipped = await repairEmmettLog(sql);
    await sql.query('VACUUM ANALYZE');
    const rebuild = await timed(() => emmettRebuild(url, plan.types, plan.emmettRebuildEvents));
    if ((await countedTouchpoints(sql, EMMETT_REBUILD_TABLE)) !== plan.emmettRebuildEvents) throw new Error(`Emmett's rebuild did not project the ${plan.emmettRebuildEvents} events it read`);
    const batchFold = await timed(() => emmettBatchFold(url, plan.events));
    const readModel = await checkReadModel(sql, EMMETT_FOLD_TABLE, plan.streams.length, plan.events, "Emmett's reader with our fold");
    return { append: append.seconds, rebuild: rebuild.seconds, batchFold: batchFold.seconds, skipped, readModel };
  } finally {
    await store.close();
    await sql.close();
  }
}

function emmettAppend(store: PostgresEventStore) {
  return async (streamId: string, touchpoints: readonly Touchpoint[], expected: bigint | 'no_stream') => {
    const result = await store.appendToStream<TouchpointEvent>(streamId, touchpoints.map(toEmmettEvent), {
      expectedStreamVersion: expected === 'no_stream' ? PostgreSQLEventStoreDefaultStreamVersion : expected,
    });
    return result.nextExpectedStreamVersion;
  };
}

/** The rest of Emmett's log: one append per stream, CONCURRENCY at once, without waiting for the WAL flush (untimed). */
async function loadEmmett(url: string, streams: readonly PeerStream[]) {
  const loading = new URL(url);
  loading.searchParams.set('options', '-c synchronous_commit=off');
  const loader = getPostgreSQLEventStore(loading.toString());
  const append = emmettAppend(loader);
  try {
    await concurrently(streams.length, CONCURRENCY, (i) => append(streams[i].streamId, streams[i].touchpoints, 'no_stream'), 'loading the rest of Emmett’s log');
  } finally {
    await loader.close();
  }
}

/**
 * Counts the events a global-position checkpoint skips (those behind a higher position earlier in
 * commit order), then renumbers the positions in commit order and rewrites the table.
 */
async function repairEmmettLog(sql: SqlClient): Promise<number> {
  const messages = messagesTable.name;
  const { rows } = await sql.query<{ skipped: number }>(
    `SELECT count(*) FILTER (WHERE global_position < passed)::int AS skipped
     FROM (SELECT global_position, max(global_position) OVER (ORDER BY transaction_id, global_position ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS passed
           FROM ${messages}) AS m`,
  );
  await sql.query(
    `UPDATE ${messages} AS m SET global_position = o.position
     FROM (SELECT stream_id, stream_position, partition, is_archived, row_number() OVER (ORDER BY transaction_id, global_position) AS position FROM ${messages}) AS o
     WHERE (m.stream_id, m.stream_position, m.partition, m.is_archived) = (o.stream_id, o.stream_position, o.partition, o.is_archived)`,
  );
  await sql.query(`SELECT setval('emt_global_message_position', (SELECT max(global_position) FROM ${messages}))`);
  await sql.query(`VACUUM FULL ${messages}`);
  return rows[0].skipped;
}

/** Two appends per stream, the first half expecting no stream and the rest the returned version, CONCURRENCY at once. */
async function appendTwice<Version>(
  streams: readonly PeerStream[],
  label: string,
  append: (streamId: string, touchpoints: readonly Touchpoint[], expected: Version | 'no_stream') => Promise<Version>,
): Promise<void> {
  await concurrently(
    streams.length,
    CONCURRENCY,
    async (i) => {
      const { streamId, touchpoints } = streams[i];
      const half = Math.ceil(touchpoints.length / 2);
      const version = await append(streamId, touchpoints.slice(0, half), 'no_stream');
      if (half < touchpoints.length) await append(streamId, touchpoints.slice(half), version);
    },
    label,
  );
}

async function concurrently(count: number, concurrency: number, work: (i: number) => Promise<unknown>, label: string, every = 500): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        await work(next++);
        if (++done % every === 0 || done === count) progress(`  ${label}`, done, count);
      }
    }),
  );
}

function toNewEvent(touchpoint: Touchpoint) {
  return { eventId: touchpoint.eventId, type: touchpoint.type, data: touchpoint };
}

function toEmmettEvent(touchpoint: Touchpoint): TouchpointEvent {
  return { type: touchpoint.type, data: { ...touchpoint }, metadata: { messageId: touchpoint.eventId } };
}

// The read model: per customer (stream), how many touchpoints and the last occurredAt.

interface CountRow {
  readonly customer: string;
  readonly touchpoints: number;
  readonly last_occurred_at: string;
}

/** Folds a batch into one row per customer; the upsert adds the rows to what the table holds. */
export function foldCounts(events: Iterable<{ readonly customer: string; readonly occurredAt: string }>): CountRow[] {
  const rows = new Map<string, { touchpoints: number; last: number; lastOccurredAt: string }>();
  for (const { customer, occurredAt } of events) {
    const at = Date.parse(occurredAt);
    const row = rows.get(customer);
    if (row === undefined) rows.set(customer, { touchpoints: 1, last: at, lastOccurredAt: occurredAt });
    else {
      row.touchpoints++;
      if (at > row.last) Object.assign(row, { last: at, lastOccurredAt: occurredAt });
    }
  }
  return [...rows].map(([customer, r]) => ({ customer, touchpoints: r.touchpoints, last_occurred_at: r.lastOccurredAt }));
}

function createCountsTable(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (customer text PRIMARY KEY, touchpoints integer NOT NULL, last_occurred_at timestamptz NOT NULL)`;
}

/** The same upsert for every contestant; `rows` is `$1` or a quoted literal of the rows as JSON. */
function upsertCounts(table: string, rows: string): string {
  return `INSERT INTO ${table} AS t (customer, touchpoints, last_occurred_at)
    SELECT customer, touchpoints, last_occurred_at
    FROM jsonb_to_recordset(${rows}::jsonb) AS r(customer text, touchpoints integer, last_occurred_at timestamptz)
    ON CONFLICT (customer) DO UPDATE SET touchpoints = t.touchpoints + excluded.touchpoints,
      last_occurred_at = GREATEST(t.last_occurred_at, excluded.last_occurred_at)`;
}

/** Ours: the read model as a projection definition that the runtime rebuilds. */
function countsProjection(): ProjectionDefinition {
  return {
    name: 'peer_touchpoint_counts',
    schema: OUR_SCHEMA,
    async open(sql, schema) {
      const table = `${quoteIdentifier(schema)}.${COUNTS_TABLE}`;
      await sql.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      await sql.query(createCountsTable(table));
      return {
        async apply(tx, events: readonly RecordedEvent[]) {
          const rows = foldCounts(events.map((e) => ({ customer: e.streamId, occurredAt: (e.data as Touchpoint).occurredAt })));
          await tx.query(upsertCounts(table, '$1'), [JSON.stringify(rows)]);
        },
      };
    },
  };
}

function emmettFoldSql(table: string, events: readonly EmmettReadEvent[]): EmmettSql {
  const rows = foldCounts(events.map((e) => ({ customer: e.metadata.streamName, occurredAt: e.data.occurredAt })));
  return upsertCounts(table, escapeLiteral(JSON.stringify(rows))) as EmmettSql;
}

/** Emmett's own rebuild: its consumer from the beginning, its projector, a raw-SQL projection with our fold; stops after `events`. */
async function emmettRebuild(url: string, types: readonly string[], events: number): Promise<void> {
  let projected = 0;
  const projection = postgreSQLRawBatchSQLProjection<TouchpointEvent>({
    name: 'peer_touchpoint_counts',
    canHandle: [...types],
    init: () => createCountsTable(EMMETT_REBUILD_TABLE) as EmmettSql,
    // Typed as events, but the projector hands it read events, with their stream and positions.
    evolve: (batch) => {
      projected += batch.length;
      if (projected % 1000 === 0 || projected === events) progress("  Emmett's rebuild", projected, events);
      return [emmettFoldSql(EMMETT_REBUILD_TABLE, batch as unknown as EmmettReadEvent[])];
    },
  });
  let seen = 0;
  const consumer = rebuildPostgreSQLProjections<TouchpointEvent>({
    connectionString: url,
    projections: [{ projection, stopAfter: () => ++seen >= events }],
    pulling: { batchSize: BATCH_SIZE, pullingFrequencyInMs: 0 },
  });
  try {
    await consumer.start();
  } finally {
    await consumer.close();
  }
}

/** Emmett's consumer reading the whole log in global order, with a processor that folds and upserts whole batches. */
async function emmettBatchFold(url: string, events: number): Promise<void> {
  let folded = 0;
  let checkpoint: bigint | null = null;
  let active = false;
  const processorId = 'peer-batch-fold';
  const processor: MessageProcessor<TouchpointEvent, ReadEventMetadataWithGlobalPosition, PostgreSQLProcessorHandlerContext> = {
    id: processorId,
    instanceId: `${processorId}:1`,
    type: 'projector',
    get isActive() {
      return active;
    },
    async init({ connection }) {
      await connection!.pool.execute.command(createCountsTable(EMMETT_FOLD_TABLE) as EmmettSql);
    },
    async start() {
      active = true;
      return 'BEGINNING';
    },
    async close() {
      active = false;
    },
    async handle(batch, { connection }) {
      const last = batch[batch.length - 1].metadata.globalPosition;
      await connection!.pool.withTransaction(async (tx) => {
        await tx.execute.command(emmettFoldSql(EMMETT_FOLD_TABLE, batch));
        const stored = await storeProcessorCheckpoint(tx.execute, { processorId, version: 1, newCheckpoint: last, lastProcessedCheckpoint: checkpoint });
        if (!stored.success) throw new Error(`Emmett refused the checkpoint: ${stored.reason}`);
      });
      checkpoint = last;
      folded += batch.length;
      progress("  Emmett's reader, our fold", folded, events);
    },
  };
  const consumer = postgreSQLEventStoreConsumer<TouchpointEvent>({
    connectionString: url,
    processors: [processor],
    stopWhen: { noMessagesLeft: true },
    pulling: { batchSize: BATCH_SIZE, pullingFrequencyInMs: 0 },
  });
  try {
    await consumer.start();
  } finally {
    await consumer.close();
  }
}

// Checks: a figure counts only when the work was done and the contestants built the same thing.

async function checkStream(stream: PeerStream, eventIds: readonly string[]) {
  const expected = stream.touchpoints.map((t) => t.eventId);
  if (JSON.stringify(eventIds) !== JSON.stringify(expected)) throw new Error(`stream ${stream.streamId} reads back ${eventIds.length} events, not the ${expected.length} appended`);
}

/** Checks the totals of a read model and returns a digest of its rows, to compare across databases. */
async function checkReadModel(sql: SqlClient, table: string, customers: number, touchpoints: number, who: string): Promise<string> {
  const { rows } = await sql.query<{ customers: number; touchpoints: number; digest: string }>(
    `SELECT count(*)::int AS customers, coalesce(sum(touchpoints), 0)::int AS touchpoints,
       md5(string_agg(customer || '|' || touchpoints || '|' || (extract(epoch FROM last_occurred_at) * 1000)::bigint, ',' ORDER BY customer)) AS digest
     FROM ${table}`,
  );
  if (rows[0].customers !== customers || rows[0].touchpoints !== touchpoints) {
    throw new Error(`${who} built ${rows[0].customers} customers and ${rows[0].touchpoints} touchpoints, not ${customers} and ${touchpoints}`);
  }
  return rows[0].digest;
}

async function countedTouchpoints(sql: SqlClient, table: string): Promise<number> {
  const { rows } = await sql.query<{ touchpoints: number }>(`SELECT coalesce(sum(touchpoints), 0)::int AS touchpoints FROM ${table}`);
  return rows[0].touchpoints;
}

// Emmett's dumbo sets pg's parsers of int8, json and jsonb for the whole process (int8 as BigInt)
// the first time it opens a pool: keep them to Emmett's part of the run.

const PARSED_TYPES = [20, 114, 3802];
let emmettParsers: ReturnType<typeof readParsers> | undefined;

function readParsers() {
  return PARSED_TYPES.map((oid) => [oid, types.getTypeParser(oid, 'text')] as const);
}

async function withEmmettTypeParsers<T>(work: () => Promise<T>): Promise<T> {
  const ours = readParsers();
  if (emmettParsers) for (const [oid, parser] of emmettParsers) types.setTypeParser(oid, parser);
  try {
    return await work();
  } finally {
    emmettParsers = readParsers();
    for (const [oid, parser] of ours) types.setTypeParser(oid, parser);
  }
}

function countEvents(streams: readonly PeerStream[]): number {
  return streams.reduce((sum, s) => sum + s.touchpoints.length, 0);
}

function rate(count: number, seconds: number): PeerRate {
  return { seconds, perSecond: count / seconds };
}

function emmettVersions() {
  const version = (name: string) => (JSON.parse(readFileSync(join(dirname(require.resolve(name)), '..', 'package.json'), 'utf8')) as { version: string }).version;
  return { emmett: version('@event-driven-io/emmett'), emmettPostgresql: version('@event-driven-io/emmett-postgresql'), pongo: version('@event-driven-io/pongo') };
}
