import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import { analyticsProjection } from '@cdp/analytics';
import type { ClickHouseClient } from '@cdp/clickhouse';
import { customerProjection } from '@cdp/customer-projection';
import { customerFeedKafkaProjection, customerFeedTopics } from '@cdp/customer-feed';
import { createCustomerFeedCodec } from '@cdp/feed';
import type { EventLog } from '@cdp/event-log';
import { platformKafka } from '@cdp/event-log-kafka';
import type { SchemaCatalog } from '@cdp/events';
import { listFailedCommands, LOYALTY_EARNING_PROJECTION, LOYALTY_PROJECTION, LoyaltyAccounts, loyaltyEarningProjection, loyaltyProjection } from '@cdp/loyalty-accounts';
import { ANALYTICS, answerWithin, CUSTOMER_FEED_LOG, dataFolderSpaceProblem, MIN_FREE_BYTES_TO_PROJECT, EVENT_STORE, METRICS, SCHEMA_CATALOG, SETTINGS, SQL, TOUCHPOINT_LOG, type Settings } from '@cdp/platform-runtime';
import {
  countDeadLetters,
  currentOwners,
  listDeadLetters,
  migrateProjectionTables,
  readCheckpoint,
  rebuildProjection,
  releaseRebuildClaims,
  retryDeadLetters,
  OWNERSHIP_LEASE_MS,
  outboxLength,
  PROCESS_OWNER,
  retryWarnings,
  RetryBatchLaterError,
  runProjection,
  runProjectionExclusively,
  seizeOwnership,
  type ExclusiveProjectionRunner,
  type ProjectionDefinition,
  type ProjectionRunner,
  type RetryTrouble,
  type RetryWarnings,
} from '@cdp/projections';
import type { SqlClient } from '@cdp/sql';
import { UnknownDeadLettersError, UnknownProjectionError, UnknownRebuildError } from './projection.errors';

/** In servers mode, the feed's log is published to Kafka. */
function feedPublisher(settings: Settings, catalog: SchemaCatalog): ProjectionDefinition {
  return customerFeedKafkaProjection({
    kafka: platformKafka({ clientId: `${settings.kafkaNamespace}.feed`, brokers: settings.kafkaBrokers }),
    topics: customerFeedTopics(settings.kafkaNamespace),
    codec: createCustomerFeedCodec(catalog),
  });
}

/** The projections that send loyalty commands through an outbox, in the schema of their name. */
const LOYALTY_OUTBOXES = [LOYALTY_EARNING_PROJECTION, LOYALTY_PROJECTION];
/** How often a count /metrics leaves out is said again while it keeps failing. */
const SCRAPE_WARN_EVERY_MS = 60_000;
/** How long status and /metrics wait for a log to count a projection's lag. */
const LAG_TIMEOUT_MS = 2_000;

/** A projection and the log it follows: touchpoints, or the event store's decided events. */
interface RegisteredProjection {
  readonly definition: ProjectionDefinition;
  readonly log: EventLog;
}

export interface RebuildJob {
  readonly state: 'running' | 'done' | 'failed';
  readonly processed: number;
  readonly total: number;
  readonly error?: string;
}

/** Runs every projection of this process, and rebuilds and retries them on request. */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  private readonly projections: readonly RegisteredProjection[];
  private readonly runners = new Map<string, ProjectionRunner | ExclusiveProjectionRunner>();
  private readonly rebuilds = new Map<string, RebuildJob>();
  private readonly retries = new Map<string, RetryWarnings>();
  private readonly lagCounts = new Map<string, Promise<number | null>>();
  /** The retries of the rebuild running, by projection: a rebuild stuck on a batch is told as a live projection is. */
  private readonly rebuildRetries = new Map<string, RetryWarnings>();
  private readonly processedTotal: Counter;
  private readonly lastBatchAt: Gauge;
  private scrapeWarnedAt = -Infinity;
  private readonly batchListeners = new Set<() => void>();

  constructor(
    @Inject(TOUCHPOINT_LOG) touchpointLog: EventLog,
    @Inject(EVENT_STORE) eventStore: EventLog,
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(SCHEMA_CATALOG) catalog: SchemaCatalog,
    @Inject(METRICS) registry: Registry,
    @Inject(ANALYTICS) clickhouse: ClickHouseClient,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CUSTOMER_FEED_LOG) customerFeed: EventLog,
    accounts: LoyaltyAccounts,
  ) {
    this.projections = [
      { definition: customerProjection({ catalog, eventStore, policy: settings.identityPolicy }), log: touchpointLog },
      { definition: analyticsProjection({ catalog, clickhouse, logMayHoldCopies: !touchpointLog.capabilities.uniqueEventIds }), log: touchpointLog },
      { definition: loyaltyEarningProjection({ program: settings.loyalty.program, accounts }), log: touchpointLog },
      { definition: loyaltyProjection({ accounts }), log: eventStore },
      ...(settings.mode === 'servers' ? [{ definition: feedPublisher(settings, catalog), log: customerFeed }] : []),
    ];
    // Lag that does not shrink while this stays old is a stuck batch: nothing else tells it from a quiet log.
    this.lastBatchAt = new Gauge({ name: 'cdp_projection_last_batch_timestamp_seconds', help: 'When this process last committed a batch of each projection, in Unix seconds', labelNames: ['projection'], registers: [registry] });
    this.processedTotal = new Counter({ name: 'cdp_projection_events_total', help: "Events each projection took from its log in committed batches, in this process: applied, set aside, or passed over as not its kind (in embedded mode one log holds the touchpoints and the event store's events, and every projection reads both)", labelNames: ['projection'], registers: [registry] });
    const gauge = (name: string, help: string, valuesOf: () => Promise<ReadonlyMap<string, number | null>>) => {
      const perProjection: Gauge = new Gauge({
        name,
        help,
        labelNames: ['projection'],
        registers: [registry],
        collect: async () => {
          const values = await valuesOf();
          // An unknown value leaves no series, rather than the last one known.
          perProjection.reset();
          for (const [projection, value] of values) if (value !== null) perProjection.set({ projection }, value);
        },
      });
    };
    const byProjection = async (valueOf: (projection: string) => Promise<number | null> | number | null) =>
      new Map(await Promise.all(this.projections.map(async ({ definition: { name } }) => [name, await valueOf(name)] as const)));
    gauge('cdp_projection_lag_events', 'Events in the log that each projection has yet to apply', () => byProjection((name) => this.lag(name)));
    // What an operator alerts on: an event set aside (`cdp dlq list`), a projection stuck retrying a batch.
    gauge('cdp_projection_dead_letters', 'Events each projection set aside, failed or held back behind a failed one of their customer, and not resolved yet', async () => {
      // No series while the database does not answer: /metrics must answer during the outage it reports.
      const open = await this.withinScrape(countDeadLetters(this.sql), 'the dead letters');
      return byProjection((name) => (open === null ? null : (open.get(name) ?? 0)));
    });
    gauge('cdp_projection_retrying', '1 while a projection retries a batch that failed (cdp projections status says why), else 0', () =>
      byProjection((name) => (this.troubleOf(name)?.state === 'retrying' ? 1 : 0)),
    );
    // Lag 0 says a projection applied every event; this says whether what it decided has reached the event store or the accounts.
    gauge('cdp_projection_outbox_pending', 'What each projection committed and has not sent on yet: events for the event store, or loyalty commands (its outbox)', () =>
      byProjection((name) => this.outboxPending(name)),
    );
    gauge('cdp_loyalty_failed_commands', 'Loyalty commands the account rules refused, set aside by each loyalty projection (GET /v1/admin/loyalty/failed-commands); counted up to 100,000', () =>
      byProjection((name) => (LOYALTY_OUTBOXES.includes(name) ? this.withinScrape(outboxLength(this.sql, name, 'failed_commands'), `${name}'s failed commands`) : null)),
    );
  }

  /** The loyalty commands the rules refused, of both loyalty projections, each named. */
  async failedLoyaltyCommands() {
    const lists = await Promise.all(LOYALTY_OUTBOXES.map(async (projection) => (await listFailedCommands(this.sql, projection)).map((failed) => ({ projection, ...failed }))));
    return lists.flat();
  }

  private markStarted: () => void = () => undefined;
  private readonly startedAll = new Promise<void>((resolve) => (this.markStarted = resolve));

  /** Calls `listener` after each batch any projection of this process commits. */
  onBatchCommitted(listener: () => void): void {
    this.batchListeners.add(listener);
  }

  /** The projections of this process that follow `log`. */
  namesFollowing(log: EventLog): string[] {
    return this.projections.filter((projection) => projection.log === log).map((projection) => projection.definition.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    await migrateProjectionTables(this.sql);
    if (this.settings.mode === 'embedded') await releaseRebuildClaims(this.sql);
    for (const projection of this.projections) await this.start(projection);
    this.markStarted();
  }

  /** Resolves once every projection has opened (its tables migrated) and started. */
  started(): Promise<void> {
    return this.startedAll;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.close()));
    this.runners.clear();
  }

  async status() {
    const deadLetters = await listDeadLetters(this.sql);
    const owners = await currentOwners(this.sql);
    return Promise.all(
      this.projections.map(async ({ definition: { name } }) => {
        const { checkpoint, processed } = await readCheckpoint(this.sql, name);
        const rebuilding = this.rebuildRunning(name);
        const state = this.stateOf(name);
        const trouble = this.troubleOf(name);
        return {
          name,
          checkpoint,
          processed,
          lag: await this.lag(name),
          deadLetters: deadLetters.filter((d) => d.projection === name).length,
          state: rebuilding ? 'rebuilding' : (trouble?.state ?? state),
          reason: trouble?.reason ?? null,
          since: trouble?.since ?? null,
          owner: owners.get(name) ?? null,
          partitions: this.runners.get(name)?.partitions() ?? null,
        };
      }),
    );
  }

  /**
   * Starts a rebuild in the background; follow it with `rebuild(name, id)`. While one of the
   * projection runs, asking again answers that one: two rebuilds of one projection would build
   * into the same aside tables and swap in turn.
   */
  async startRebuild(name: string): Promise<{ rebuildId: string; alreadyRunning: boolean }> {
    const projection = this.projection(name);
    const { definition, log } = projection;
    const running = [...this.rebuilds].find(([key, job]) => key.startsWith(`${name}/`) && job.state === 'running');
    if (running) return { rebuildId: running[0].slice(name.length + 1), alreadyRunning: true };
    const rebuildId = randomUUID();
    const key = `${name}/${rebuildId}`;
    this.rebuilds.set(key, { state: 'running', processed: 0, total: 0 });
    const warnings = retryWarnings(`the rebuild of ${name}`);
    this.rebuildRetries.set(name, warnings);
    // Answered once the rebuild holds its claim: one another process runs is refused now (409), atomically,
    // rather than answered as started and failed a moment later.
    let claimed = false;
    let onClaimed!: () => void;
    let notClaimed!: (error: unknown) => void;
    const claim = new Promise<void>((resolve, reject) => ((onClaimed = () => ((claimed = true), resolve())), (notClaimed = reject)));
    const rebuilding = rebuildProjection({
      definition,
      log,
      sql: this.sql,
      onClaimed,
      onProgress: ({ processed, total }) => {
        // Progress is reported while the rebuild waits too: only a batch that went through ends a run of failures.
        if (processed > this.rebuilds.get(key)!.processed) warnings.batchDone();
        this.rebuilds.set(key, { state: 'running', processed, total });
      },
      onError: (error) => {
        const warning = warnings.warningFor(error);
        if (warning !== undefined) this.logger.warn(warning);
      },
      pauseLive: () => this.stop(name),
      beforeSwap: this.runsExclusively(log) ? (tx) => seizeOwnership(tx, name, PROCESS_OWNER, OWNERSHIP_LEASE_MS) : undefined,
    });
    rebuilding.catch(notClaimed);
    void rebuilding
      // Done once the projection runs again from the rebuilt tables: until then its status says stopped.
      .then(async ({ processed }) => {
        await this.start(projection);
        return processed;
      })
      .finally(() => this.rebuildRetries.delete(name))
      .then(
        (processed) => void this.rebuilds.set(key, { state: 'done', processed, total: processed }),
        async (error: Error) => {
          // Refused before it held its claim: the request that asked was answered so, and nothing started.
          if (!claimed) return;
          this.logger.error(`rebuild of ${name} failed: ${error.message}`);
          this.rebuilds.set(key, { ...this.rebuilds.get(key)!, state: 'failed', error: error.message });
          if (!this.runners.has(name)) {
            // Nothing awaits this: a failure to start again must be told, not end the process.
            await this.start(projection).catch((restart: Error) => this.logger.error(`${name} did not start again after its failed rebuild: ${restart.message}; restart the platform`));
          }
        },
      );
    try {
      await claim;
    } catch (error) {
      this.rebuilds.delete(key);
      throw error;
    }
    return { rebuildId, alreadyRunning: false };
  }

  rebuild(name: string, rebuildId: string): RebuildJob {
    const job = this.rebuilds.get(`${this.projection(name).definition.name}/${rebuildId}`);
    if (!job) throw new UnknownRebuildError(name, rebuildId);
    return job;
  }

  deadLetters() {
    return listDeadLetters(this.sql);
  }

  /** Retries the dead letters named (all when none are), once every id names an open one. */
  async retryDeadLetters(ids?: readonly string[]) {
    if (ids !== undefined) {
      const open = new Set((await this.deadLetters()).map((letter) => letter.id));
      const unknown = ids.filter((id) => !open.has(id));
      if (unknown.length > 0) throw new UnknownDeadLettersError(unknown);
    }
    let retried = 0;
    let stillFailing = 0;
    for (const { definition } of this.projections) {
      const outcome = await retryDeadLetters(this.sql, definition.name, await definition.open(this.sql, definition.schema), ids);
      retried += outcome.retried;
      stillFailing += outcome.stillFailing;
    }
    return { retried, stillFailing };
  }

  private rebuildRunning(name: string): boolean {
    return [...this.rebuilds.entries()].some(([key, job]) => key.startsWith(`${name}/`) && job.state === 'running');
  }

  /** What the projection, or its rebuild while one runs, waits for or retries, if anything. */
  private troubleOf(name: string): RetryTrouble | undefined {
    const live = this.stateOf(name) === 'running' ? this.retries.get(name)?.trouble() : undefined;
    return (this.rebuildRunning(name) ? this.rebuildRetries.get(name)?.trouble() : undefined) ?? live;
  }

  /**
   * Unknown (null) while the log does not answer: status and /metrics must answer during the outage
   * they report. A count still under way is shared, so that scrapes during an outage do not pile up
   * counts that kafkajs retries for seconds.
   */
  private async lag(name: string): Promise<number | null> {
    let counting = this.lagCounts.get(name);
    if (counting === undefined) {
      // The checkpoint is read from the database, which may be the store that is away.
      counting = readCheckpoint(this.sql, name)
        .then(({ checkpoint }) => this.projection(name).log.pendingAfter(checkpoint))
        .finally(() => this.lagCounts.delete(name));
      this.lagCounts.set(name, counting);
    }
    return this.withinScrape(counting, `the ${name} projection's log`);
  }

  /** What a scrape or a status waits for: null when it does not come within the lag's time, or fails. */
  private withinScrape<T>(value: Promise<T>, what: string): Promise<T | null> {
    return answerWithin(value, LAG_TIMEOUT_MS, what).catch((error: Error) => {
      // A series that goes missing stops its alert: say why, once a minute for all of them (an outage fails every count).
      const now = Date.now();
      if (now - this.scrapeWarnedAt >= SCRAPE_WARN_EVERY_MS) {
        this.scrapeWarnedAt = now;
        this.logger.warn(`counts for /metrics and status failed, ${what} first (${error.message}): their series are left out until they can be counted`);
      }
      return null;
    });
  }

  /** What the projection's outbox holds; null (no series) for a projection without one, or when the count does not come within the lag's time. */
  private outboxPending(name: string): Promise<number | null> {
    const { schema, outboxTable } = this.projection(name).definition;
    if (outboxTable === undefined) return Promise.resolve(null);
    // A count waiting on a rebuild's swap, or on PGlite's one connection, must not hold up the scrape.
    return this.withinScrape(outboxLength(this.sql, schema, outboxTable), `the ${name} projection's outbox`);
  }

  private async start({ definition, log }: RegisteredProjection): Promise<void> {
    const handler = await definition.open(this.sql, definition.schema);
    const warnings = retryWarnings(definition.name);
    this.retries.set(definition.name, warnings);
    const run = this.runsExclusively(log) ? runProjectionExclusively : runProjection;
    const runner = await run({
      name: definition.name,
      handler,
      log,
      sql: this.sql,
      lingerMs: definition.lingerMs,
      fence: this.settings.mode === 'embedded' ? () => this.roomToProject() : undefined,
      onBatchDone: (events) => {
        warnings.batchDone();
        this.processedTotal.inc({ projection: definition.name }, events);
        this.lastBatchAt.set({ projection: definition.name }, Date.now() / 1000);
        for (const listener of this.batchListeners) listener();
      },
      onError: (error) => {
        const warning = warnings.warningFor(error);
        if (warning !== undefined) this.logger.warn(warning);
      },
      onResumed: () => warnings.resumed(),
      // The event's id only: its stream id may be an email or a phone number.
      onSetAside: (events) =>
        this.logger.warn(`${definition.name} set aside ${events.length === 1 ? 'an event' : `${events.length} events`} as dead letters, and holds back the later events of their customers: ${events.slice(0, 10).map((e) => `${e.eventId} (${e.error})`).join('; ')}${events.length > 10 ? `; and ${events.length - 10} more` : ''}. cdp dlq list shows them; cdp dlq retry applies them again after a fix`),
    });
    this.runners.set(definition.name, runner);
    // From the start, so that a first batch stuck after a restart shows as old as the process.
    this.lastBatchAt.set({ projection: definition.name }, Date.now() / 1000);
  }

  /** Embedded mode: a batch waits while the data folder's disk is nearly full, since PGlite without room for its next WAL file hangs the process. */
  private async roomToProject(): Promise<void> {
    const problem = dataFolderSpaceProblem(this.settings.dataDir, MIN_FREE_BYTES_TO_PROJECT);
    if (problem !== undefined) throw new RetryBatchLaterError(problem);
  }

  /** Kafka shares a log's partitions between the processes; other logs give each of them everything. */
  private runsExclusively(log: EventLog): boolean {
    return this.settings.mode === 'servers' && !log.capabilities.sharedSubscriptions;
  }

  /** Whether this process runs the projection now (not standing by while another does). */
  runsHere(name: string): boolean {
    return this.stateOf(name) === 'running';
  }

  /** Running here, standing by while another process runs it (see runProjectionExclusively), or stopped. */
  private stateOf(name: string): 'running' | 'standby' | 'stopped' {
    const runner = this.runners.get(name);
    if (!runner) return 'stopped';
    return 'owns' in runner && !runner.owns() ? 'standby' : 'running';
  }

  private async stop(name: string): Promise<void> {
    await this.runners.get(name)?.close();
    this.runners.delete(name);
  }

  private projection(name: string): RegisteredProjection {
    const projection = this.projections.find((p) => p.definition.name === name);
    if (!projection) throw new UnknownProjectionError(name, this.projections.map((p) => p.definition.name));
    return projection;
  }
}
