import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { EventLog } from '@cdp/event-log';
import { createEventStoreDbEventLog } from '@cdp/event-log-eventstoredb';
import { consumerTimingFor, createKafkaEventLog, createPostgresAcceptedEventIds } from '@cdp/event-log-kafka';
import { createPostgresEventLog, type PostgresEventLog } from '@cdp/event-log-postgres';
import { CUSTOMER_FEED_LOG_SCHEMA } from '@cdp/customer-feed';
import { loadSchemaCatalog, touchpointCodec, type SchemaCatalog } from '@cdp/events';
import { openCustomerDataSource } from '@cdp/customer-projection';
import { migrateAnalyticsTables, syncSourceViews } from '@cdp/analytics';
import { createClickHouseServerClient, openChdbClient, type ClickHouseClient } from '@cdp/clickhouse';
import { createPostgresSqlClient, openPgliteDatabase, scheduleTableMaintenance, type SqlClient } from '@cdp/sql';
import type { DataSource } from 'typeorm';
import type { Settings } from './settings';

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
  if (settings.mode === 'embedded') {
    const database = await openPgliteDatabase(join(settings.dataDir, 'pg'));
    const sql = database.client;
    const dataSource = await openCustomerDataSource({ driver: database.typeormDriver });
    const touchpointLog = await createPostgresEventLog(sql);
    const analytics = await openAnalytics(openChdbClient({ dir: join(settings.dataDir, 'ch'), database: settings.clickhouseDatabase }), catalog);
    const customerFeed = await openCustomerFeed(sql);
    const maintenance = maintainPglite(sql, settings.tableMaintenanceEverySeconds);
    const close = closeAll([touchpointLog, customerFeed], sql, dataSource, analytics);
    return { catalog, touchpointLog, eventStore: touchpointLog, sql, dataSource, analytics, customerFeed, close: async () => (await maintenance?.stop(), close()) };
  }
  const sql = createPostgresSqlClient({ connectionString: settings.databaseUrl, max: settings.databasePoolSize });
  const dataSource = await openCustomerDataSource({ url: settings.databaseUrl });
  const acceptedIds = await createPostgresAcceptedEventIds(sql);
  const touchpointLog = await createKafkaEventLog({
    brokers: [...settings.kafkaBrokers],
    clientId: settings.kafkaNamespace,
    codec: touchpointCodec(catalog),
    acceptedIds,
    subscribeTo: ['touchpoints'],
    topicFor: (category) => `${settings.kafkaNamespace}.${category}.v1`,
    groupPrefix: `${settings.kafkaNamespace}.`,
    consumerTiming: consumerTimingFor(settings.kafkaSessionTimeoutSeconds * 1000),
  });
  const eventStore = settings.eventStoreDbUrl
    ? createEventStoreDbEventLog(EventStoreDBClient.connectionString(settings.eventStoreDbUrl))
    : await createPostgresEventLog(sql);
  const analytics = await openAnalytics(createClickHouseServerClient({ url: settings.clickhouseUrl, database: settings.clickhouseDatabase }), catalog);
  const customerFeed = await openCustomerFeed(sql);
  // The index of accepted ids keeps a bounded window (7 days): re-sending an id older than that appends it again.
  const purge = setInterval(() => void acceptedIds.purgeOlderThan().catch(() => undefined), PURGE_EVERY_MS).unref();
  const close = closeAll([touchpointLog, eventStore, customerFeed], sql, dataSource, analytics);
  return { catalog, touchpointLog, eventStore, sql, dataSource, analytics, customerFeed, close: () => (clearInterval(purge), close()) };
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

/** PGlite has no autovacuum: without this, its tables would keep every dead row and get no statistics. */
function maintainPglite(sql: SqlClient, everySeconds: number) {
  if (everySeconds === 0) return undefined;
  const logger = new Logger('table-maintenance');
  return scheduleTableMaintenance(sql, {
    everyMs: everySeconds * 1000,
    onError: (error) => logger.warn(`vacuum or analyze failed: ${(error as Error).message}; trying again next round`),
  });
}

/** A subscriber to the feed asks again every 10 ms while idle: the feed's freshness is in that wait. */
function openCustomerFeed(sql: SqlClient): Promise<PostgresEventLog> {
  return createPostgresEventLog(sql, { schema: CUSTOMER_FEED_LOG_SCHEMA, pollIntervalMs: 10 });
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
