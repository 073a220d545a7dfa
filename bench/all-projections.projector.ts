import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { Logger, type LoggerService } from '@nestjs/common';
import { Registry } from 'prom-client';
import { createClickHouseServerClient } from '@cdp/clickhouse';
import { CUSTOMER_FEED_LOG_SCHEMA } from '@cdp/customer-feed';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { loadSchemaCatalog } from '@cdp/events';
import { LoyaltyAccounts, LOYALTY_PROJECTION } from '@cdp/loyalty-accounts';
import { readSettings } from '@cdp/platform-runtime';
import { ProjectionsService } from '@cdp/projector-app';
import { createPostgresSqlClient } from '@cdp/sql';

/**
 * The projector of the all-projections benchmark, run as a child process so that its RSS is the
 * projector's alone: the ProjectionsService of apps/projector (its own list of projections, each
 * followed by its own runner) over stores opened as servers mode opens them (Postgres for the read
 * models and the event store, the ClickHouse server), except that the touchpoint log is the
 * Postgres one the parent loaded, and the event store a second Postgres log beside it. It starts every projection from the start
 * of the log over empty read models, reports progress over IPC, and exits once all have caught up.
 *
 * The parent (all-projections.bench.ts) gives its settings in CDP_BENCH_PROJECTOR, as JSON.
 */

export interface ProjectorBenchSettings {
  readonly databaseUrl: string;
  readonly clickhouseUrl: string;
  readonly clickhouseDatabase: string;
  /** The schema of the event store's log (decided events); the touchpoints are in the default one. */
  readonly eventStoreSchema: string;
  readonly touchpoints: number;
  /** Where the customer checkpoints fall: once every touchpoint projection has processed `touchpoints`. */
  readonly checkpoints: readonly { readonly customers: number; readonly touchpoints: number }[];
}

/** What the child tells the parent, in order: opened, then progress and checkpoints, caught-up, then done (or failed). */
export type ProjectorMessage =
  | { readonly type: 'opened'; readonly projections: readonly string[] }
  | { readonly type: 'progress'; readonly seconds: number; readonly touchpoints: number; readonly processed: Readonly<Record<string, number>> }
  | { readonly type: 'checkpoint'; readonly seconds: number; readonly customers: number; readonly touchpoints: number }
  | { readonly type: 'warning'; readonly text: string }
  /** Every projection has caught up; the child waits for a go before it closes (and its Postgres connections end). */
  | { readonly type: 'caught-up' }
  | {
      readonly type: 'done';
      readonly seconds: number;
      readonly processed: Readonly<Record<string, number>>;
      readonly eventStoreEvents: number;
      readonly deadLetters: number;
      readonly warnings: number;
    }
  | { readonly type: 'failed'; readonly error: string };

/** The parent's go: once it has read the idle RSS, and once it has read the CPU the run took. */
export type ParentMessage = { readonly type: 'go' };

/** The projections that follow the touchpoint log; `loyalty` follows the event store. */
const TOUCHPOINT_PROJECTIONS = ['customers', 'analytics', 'loyalty_earning'];
const POLL_MS = 200;

const send = (message: ProjectorMessage) => new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));

async function main() {
  const settings = JSON.parse(process.env.CDP_BENCH_PROJECTOR ?? 'null') as ProjectorBenchSettings | null;
  if (settings === null || !process.send) throw new Error('all-projections.projector.ts is started by all-projections.bench.ts, with an IPC channel');
  // The benchmark is gone (interrupted): so is its projector.
  process.once('disconnect', () => process.exit(1));
  let warnings = 0;
  Logger.overrideLogger(forwardingLogger(() => warnings++));

  // The settings of embedded mode only so that the service leaves out servers mode's Kafka publisher
  // of the change feed: it follows the feed's log, which the feed builder (not run here) writes.
  // Embedded mode's projections wait while their data folder's disk is nearly full, or cannot be
  // read: a folder that exists in every checkout (the default .cdp does not in a fresh clone).
  const platform = readSettings({ CDP_MODE: 'embedded', CDP_DATA_DIR: tmpdir(), DATABASE_URL: settings.databaseUrl, CLICKHOUSE_URL: settings.clickhouseUrl });
  const sql = createPostgresSqlClient({ connectionString: settings.databaseUrl });
  const catalog = loadSchemaCatalog();
  const touchpointLog = await createPostgresEventLog(sql);
  const eventStore = await createPostgresEventLog(sql, { schema: settings.eventStoreSchema });
  const customerFeed = await createPostgresEventLog(sql, { schema: CUSTOMER_FEED_LOG_SCHEMA, pollIntervalMs: 10 });
  const clickhouse = await createClickHouseServerClient({ url: settings.clickhouseUrl, database: settings.clickhouseDatabase });
  const registry = new Registry();
  const accounts = new LoyaltyAccounts(eventStore, platform.loyalty.program);
  const service = new ProjectionsService(touchpointLog, eventStore, sql, catalog, registry, clickhouse, platform, customerFeed, accounts);
  const names = (await service.status()).map((s) => s.name);
  const parentGo = () => new Promise<void>((resolve) => process.once('message', () => resolve()));
  await send({ type: 'opened', projections: names });
  await parentGo();

  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  /** Events each projection applied, from the projector's own metric. */
  const processed = async () => {
    const metric = await registry.getSingleMetric('cdp_projection_events_total')!.get();
    const counts: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
    for (const { labels, value } of metric.values) counts[String(labels.projection)] = value;
    return counts;
  };
  const eventStoreCount = async () =>
    Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${settings.eventStoreSchema}.events`)).rows[0].n);

  // The projector's start: every projection opens (its tables migrated) and follows its log from
  // its checkpoint, here the start: a rebuild of every read model from the log.
  await service.onApplicationBootstrap();
  // A checkpoint is reached when the touchpoint projections have processed its customers'
  // touchpoints and the loyalty projection every event the event store held by then.
  const checkpoints = settings.checkpoints.map((c) => ({ ...c, eventStoreMark: undefined as number | undefined }));
  let counts: Record<string, number> = {};
  for (;;) {
    counts = await processed();
    const touchpoints = Math.min(...TOUCHPOINT_PROJECTIONS.map((name) => counts[name] ?? 0));
    await send({ type: 'progress', seconds: seconds(), touchpoints, processed: counts });
    for (const checkpoint of checkpoints) {
      if (checkpoint.eventStoreMark === undefined && touchpoints >= checkpoint.touchpoints) checkpoint.eventStoreMark = await eventStoreCount();
    }
    while (checkpoints.length > 0 && checkpoints[0].eventStoreMark !== undefined && counts[LOYALTY_PROJECTION] >= checkpoints[0].eventStoreMark) {
      const { customers, touchpoints: at } = checkpoints.shift()!;
      await send({ type: 'checkpoint', seconds: seconds(), customers, touchpoints: at });
    }
    if (touchpoints >= settings.touchpoints && checkpoints.length === 0 && (await service.status()).every((s) => s.lag === 0)) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const done = { seconds: seconds(), processed: counts };
  await send({ type: 'caught-up' });
  await parentGo();
  const deadLetters = (await service.deadLetters()).length;
  const eventStoreEvents = await eventStoreCount();
  await service.onApplicationShutdown();
  await Promise.all([touchpointLog.close(), eventStore.close(), customerFeed.close()]);
  await clickhouse.close();
  await sql.close();
  await send({ type: 'done', ...done, eventStoreEvents, deadLetters, warnings });
}

/** Nest's logger, as the service uses it: warnings and errors go to the parent (the first few), the rest nowhere. */
function forwardingLogger(counted: () => void): LoggerService {
  let forwarded = 0;
  const forward = (message: unknown, ...context: unknown[]) => {
    counted();
    if (forwarded++ < 5) void send({ type: 'warning', text: `${String(context[context.length - 1] ?? '')}: ${String(message)}` });
  };
  return { log: () => undefined, warn: forward, error: forward };
}

main().then(
  () => process.exit(0),
  async (error: Error) => {
    await send({ type: 'failed', error: error.stack ?? error.message });
    process.exit(1);
  },
);
