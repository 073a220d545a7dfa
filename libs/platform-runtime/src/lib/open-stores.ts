import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { EventLog } from '@cdp/event-log';
import { createEventStoreDbEventLog } from '@cdp/event-log-eventstoredb';
import { consumerTimingFor, createKafkaEventLog, createPostgresAcceptedEventIds } from '@cdp/event-log-kafka';
import { createPostgresEventLog, type PostgresEventLog } from '@cdp/event-log-postgres';
import { CUSTOMER_FEED_LOG_SCHEMA } from '@cdp/customer-feed';
import { loadSchemaCatalog, touchpointCodec, touchpointUpcaster, type SchemaCatalog } from '@cdp/events';
import { openCustomerDataSource } from '@cdp/customer-projection';
import { migrateAnalyticsTables, syncSourceViews } from '@cdp/analytics';
import { createClickHouseServerClient, openChdbClient, type ClickHouseClient } from '@cdp/clickhouse';
import { createPostgresSqlClient, oneProcessAtATime, openPgliteDatabase, scheduleTableMaintenance, serverConnectionOptions, type SqlClient } from '@cdp/sql';
import type { DataSource } from 'typeorm';
import type { Settings } from './settings';
import { dataFolderSpaceProblem, MIN_FREE_BYTES_TO_PROJECT } from './data-folder-space';
import { claimAnalyticsDatabase, claimDatabase } from './deployment-identity';
import { reaching, ServerUnreachableError, shownUrl } from './server-unreachable';
import { warnOfMissingData } from './embedded-data-dir';

/** What a platform process works with; one of each per process. */
export interface Stores {
  readonly catalog: SchemaCatalog;
  /** The log touchpoints are appended to: PGlite embedded, Kafka in servers mode. */
  readonly touchpointLog: EventLog;
  /** Where decided events (merges, loyalty) go, with per-stream versions: PGlite embedded; EventStoreDB or Postgres otherwise. */
  readonly eventStore: EventLog;
  /** The Postgres of read models and indexes: PGlite embedded, the server otherwise. */
  readonly sql: SqlClient;
  /** TypeORM on the same database: the migrations of the read models, and the query API's reads. */
  readonly dataSource: DataSource;
  /** The analytics tables: chDB embedded, the ClickHouse server otherwise. */
  readonly analytics: ClickHouseClient;
  /** The change feed's log of typed customer changes, in the read models' Postgres. */
  readonly customerFeed: PostgresEventLog;
  close(): Promise<void>;
}

export async function openStores(settings: Settings): Promise<Stores> {
  const catalog = loadSchemaCatalog(settings.schemasDir);
  for (const { id, fingerprint } of catalog.unsealed()) {
    // On stderr, as the CLI's own messages: the CLI opens the stores itself when no platform runs, and its stdout may be JSON.
    console.warn(`[schemas] schema id ${id} is not sealed: a change to its files would go unseen. Once it is final, add "fingerprint": "${fingerprint}" to its entry in schema-ids.json (cdp schema check)`);
  }
  if (settings.mode === 'embedded') {
    warnOfMissingData(settings.dataDir);
    const database = await openPgliteDatabase(join(settings.dataDir, 'pg'));
    const sql = database.client;
    const dataSource = await openCustomerDataSource({ driver: database.typeormDriver });
    // As the Kafka log's Avro does, touchpoints written before their type's schema changed are read with today's.
    const touchpointLog = await createPostgresEventLog(sql, { pollIntervalMs: EMBEDDED_WATCH_MS, upcast: touchpointUpcaster(catalog) });
    const analytics = await openAnalytics(openChdbClient({ dir: join(settings.dataDir, 'ch'), database: settings.clickhouseDatabase }), catalog);
    const customerFeed = await openCustomerFeed(sql, EMBEDDED_WATCH_MS);
    const maintenance = maintainPglite(sql, settings);
    const close = closeAll([touchpointLog, customerFeed], sql, dataSource, analytics);
    return { catalog, touchpointLog, eventStore: touchpointLog, sql, dataSource, analytics, customerFeed, close: async () => (await maintenance?.stop(), close()) };
  }
  // What is open when a later server does not answer is closed again, so that the failure leaves nothing behind.
  const opened: (() => Promise<unknown>)[] = [];
  const connectTimeoutMs = settings.databaseConnectTimeoutSeconds * 1000;
  const sql = createPostgresSqlClient({ connectionString: settings.databaseUrl, max: settings.databasePoolSize, ...serverConnectionOptions(connectTimeoutMs) });
  opened.push(() => sql.close());
  try {
    const postgres = { name: 'Postgres', address: shownUrl(settings.databaseUrl), variable: 'DATABASE_URL' };
    // Under a lock, as migrations: CREATE … IF NOT EXISTS run by processes starting together collide.
    const deployment = await reaching(postgres, () => oneProcessAtATime(sql, 'cdp-deployment-identity', () => claimDatabase(sql, settings.kafkaNamespace)));
    // TypeORM takes no lock: processes starting together would each run the pending migrations.
    const dataSource = await reaching(postgres, () => oneProcessAtATime(sql, 'cdp-customer-migrations', () => openCustomerDataSource({ url: settings.databaseUrl, connectTimeoutMs })));
    opened.push(() => dataSource.destroy());
    const acceptedIds = await createPostgresAcceptedEventIds(sql);
    const kafka = { name: 'Kafka', address: settings.kafkaBrokers.join(','), variable: 'KAFKA_BROKERS' };
    const touchpointLog = await reaching(kafka, () =>
      createKafkaEventLog({
        brokers: [...settings.kafkaBrokers],
        clientId: settings.kafkaNamespace,
        codec: touchpointCodec(catalog),
        acceptedIds,
        subscribeTo: ['touchpoints'],
        topicFor: (category) => `${settings.kafkaNamespace}.${category}.v1`,
        groupPrefix: `${settings.kafkaNamespace}.`,
        consumerTiming: consumerTimingFor(settings.kafkaSessionTimeoutSeconds * 1000),
      }),
    );
    opened.push(() => touchpointLog.close());
    const eventStore = settings.eventStoreDbUrl ? await openEventStoreDb(settings.eventStoreDbUrl) : await createPostgresEventLog(sql);
    opened.push(() => eventStore.close());
    const clickhouse = { name: 'ClickHouse', address: shownUrl(settings.clickhouseUrl), variable: 'CLICKHOUSE_URL' };
    // ClickHouse has no locks: processes starting together would each apply the same migration (one
    // failing on a table the other made, two copying a table aside at once losing or doubling rows).
    const analytics = await oneProcessAtATime(sql, `cdp-analytics-migrations:${settings.clickhouseDatabase}`, async () => {
      const client = await reaching(clickhouse, () => createClickHouseServerClient({ url: settings.clickhouseUrl, database: settings.clickhouseDatabase }));
      opened.push(() => client.close());
      // Before anything is migrated there: the database may be another deployment's.
      await claimAnalyticsDatabase(client, deployment, settings.kafkaNamespace, async (id) => void (await sql.query(`UPDATE deployment.identity SET id = $1`, [id])));
      return reaching(clickhouse, () => openAnalytics(Promise.resolve(client), catalog));
    });
    const customerFeed = await openCustomerFeed(sql, SERVERS_FEED_WATCH_MS);
    await warnWithoutAutovacuum(sql);
    // The index of accepted ids keeps a bounded window (7 days): re-sending an id older than that appends it again.
    // Purged at start too: a process restarted more often than hourly would never purge otherwise.
    const purgeAcceptedIds = () => void acceptedIds.purgeOlderThan().catch(() => undefined);
    purgeAcceptedIds();
    const purge = setInterval(purgeAcceptedIds, PURGE_EVERY_MS).unref();
    const close = closeAll([touchpointLog, eventStore, customerFeed], sql, dataSource, analytics);
    return { catalog, touchpointLog, eventStore, sql, dataSource, analytics, customerFeed, close: () => (clearInterval(purge), close()) };
  } catch (error) {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

/** The EventStoreDB event store, once it has answered a read; closing it lets go of its client's connections. */
async function openEventStoreDb(url: string): Promise<EventLog> {
  const refused = (problem: string, cause: unknown) =>
    new ServerUnreachableError(`EventStoreDB at ${shownUrl(url)} (EVENTSTOREDB_URL) ${problem}. Set EVENTSTOREDB_URL to one that runs, or unset it to keep the event store in Postgres.`, { cause });
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(url);
  } catch (error) {
    throw refused(`is not a connection string the client reads (${(error as Error).message})`, error);
  }
  const log = createEventStoreDbEventLog(client);
  const store: EventLog = { ...log, close: () => log.close().finally(() => client.dispose()) };
  try {
    await log.ping();
  } catch (error) {
    await store.close().catch(() => undefined);
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw refused(`did not answer a read (${(cause as Error).message})`, error);
  }
  return store;
}

/**
 * Servers mode leaves vacuuming to Postgres's autovacuum. Without it the outboxes, the feed's log and
 * the tables rewritten per batch keep every dead row: a soak run grew the database by about 7 KB per
 * touchpoint, nearly all of it dead rows.
 */
async function warnWithoutAutovacuum(sql: SqlClient): Promise<void> {
  const { rows } = await sql.query<{ autovacuum: string }>(`SELECT current_setting('autovacuum') AS autovacuum`);
  if (rows[0].autovacuum === 'on') return;
  new Logger('postgres').warn(
    'autovacuum is off on this Postgres server: the platform\'s queues and the tables it rewrites keep every dead row and grow without bound. ' +
      "Turn it on (ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf();), or vacuum the platform's database from cron (docs/operations.md, Postgres upkeep and sizing)",
  );
}

/** PGlite has no autovacuum: without this, its tables would keep every dead row and get no statistics. */
function maintainPglite(sql: SqlClient, { tableMaintenanceEverySeconds, dataDir }: Settings) {
  if (tableMaintenanceEverySeconds === 0) return undefined;
  const logger = new Logger('table-maintenance');
  return scheduleTableMaintenance(sql, {
    everyMs: tableMaintenanceEverySeconds * 1000,
    onError: (error) => logger.warn(`vacuum or analyze failed: ${(error as Error).message}; trying again next round`),
    // A vacuum writes WAL: on a nearly full disk it would bring PGlite's hang nearer.
    vacuumWaits: () => dataFolderSpaceProblem(dataDir, MIN_FREE_BYTES_TO_PROJECT),
  });
}

/** In servers mode the feed's builder may run in another process: its log is looked at every 10 ms, since the feed's freshness is in that wait. */
const SERVERS_FEED_WATCH_MS = 10;

/**
 * How often an embedded log's watcher looks for what its subscribers have not been told of. Every
 * append is this process's there (the data folder is locked to it) and wakes them itself, and
 * PGlite runs one transaction at a time, so none holds a reader back: the watcher only backs that
 * up, and looking every 20 ms kept an idle platform busy.
 */
const EMBEDDED_WATCH_MS = 1_000;

function openCustomerFeed(sql: SqlClient, pollIntervalMs: number): Promise<PostgresEventLog> {
  return createPostgresEventLog(sql, { schema: CUSTOMER_FEED_LOG_SCHEMA, pollIntervalMs });
}

/** The analytics store with its tables migrated and the views of the registered sources made. */
async function openAnalytics(opening: Promise<ClickHouseClient>, catalog: SchemaCatalog): Promise<ClickHouseClient> {
  const client = await opening;
  await migrateAnalyticsTables(client);
  await syncSourceViews(client, catalog);
  return client;
}

function closeAll(logs: readonly EventLog[], sql: SqlClient, dataSource: DataSource, analytics: ClickHouseClient) {
  return async () => {
    await Promise.all(logs.map((log) => log.close()));
    await analytics.close();
    await dataSource.destroy();
    await sql.close();
  };
}
