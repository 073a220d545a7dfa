import { join } from 'node:path';
import { createKafkaEventLog, createPostgresAcceptedEventIds, createPostgresEventLog, type EventLog } from '@cdp/event-log';
import { loadSchemaCatalog, touchpointCodec, type SchemaCatalog } from '@cdp/events';
import { createPgliteSqlClient, createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import type { Settings } from './settings';

/** What a platform process works with; one of each per process. */
export interface Stores {
  readonly catalog: SchemaCatalog;
  /** The log touchpoints are appended to: PGlite embedded, Kafka in servers mode. */
  readonly touchpointLog: EventLog;
  /** The Postgres of read models and indexes: PGlite embedded, the server otherwise. */
  readonly sql: SqlClient;
  close(): Promise<void>;
}

export async function openStores(settings: Settings): Promise<Stores> {
  const catalog = loadSchemaCatalog(settings.schemasDir);
  if (settings.mode === 'embedded') {
    const sql = await createPgliteSqlClient(join(settings.dataDir, 'pg'));
    const touchpointLog = await createPostgresEventLog(sql);
    return { catalog, touchpointLog, sql, close: closeAll(touchpointLog, sql) };
  }
  const sql = createPostgresSqlClient({ connectionString: settings.databaseUrl });
  const touchpointLog = await createKafkaEventLog({
    brokers: [...settings.kafkaBrokers],
    clientId: 'cdp',
    codec: touchpointCodec(catalog),
    acceptedIds: await createPostgresAcceptedEventIds(sql),
  });
  return { catalog, touchpointLog, sql, close: closeAll(touchpointLog, sql) };
}

function closeAll(log: EventLog, sql: SqlClient) {
  return async () => {
    await log.close();
    await sql.close();
  };
}
