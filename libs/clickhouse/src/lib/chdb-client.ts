import type { Session } from 'chdb';
import type { ClickHouseClient } from './clickhouse-client.port';
import { ChdbDataFolderLockedError, locateFailure } from './clickhouse.errors';
import { sqlIdentifier } from './clickhouse-literal';
import { CHDB_ONLY_SETTINGS, READ_ONLY_SETTINGS, SHARED_SETTINGS } from './clickhouse-settings';
import { clientOver } from './clickhouse-transport';
import { processHoldingFolder } from './chdb-folder-holder';

export interface ChdbOptions {
  /** The data folder; tables persist in it. One process at a time may hold it. */
  readonly dir: string;
  readonly database: string;
}

const SETTINGS_ARGS = Object.entries({ ...SHARED_SETTINGS, ...CHDB_ONLY_SETTINGS }).map(([name, value]) => `--${name}=${value}`);

/**
 * A ClickHouseClient over chDB, the ClickHouse engine in this process, persisted in `dir`.
 * Queries run off the event loop (chDB's async API). chDB binds one data folder per process:
 * clients of the same folder can be open together, a client of another folder only once they are closed.
 */
export async function openChdbClient({ dir, database }: ChdbOptions): Promise<ClickHouseClient> {
  const quotedDatabase = sqlIdentifier(database);
  const { writer, reader, close } = await openSessions(dir);
  try {
    for (const statement of [`CREATE DATABASE IF NOT EXISTS ${quotedDatabase}`, `USE ${quotedDatabase}`]) {
      await locateFailure(statement, () => writer.queryAsync(statement));
    }
    await locateFailure(`USE ${quotedDatabase}`, () => reader.queryAsync(`USE ${quotedDatabase}`));
  } catch (error) {
    await close();
    throw error;
  }
  return clientOver({
    database,
    async execute(sql) {
      await writer.queryAsync(sql);
    },
    async selectJson(sql, readonly) {
      return (await (readonly ? reader : writer).queryAsync(sql, { format: 'JSON' })).text();
    },
    async insertJsonEachRow(table, rows) {
      await writer.insert({ table: `${database}.${table}`, values: Buffer.from(rows), format: 'JSONEachRow' });
    },
    close,
  });
}

/**
 * A session for everything, and one opened with READ_ONLY_SETTINGS for read-only queries. A SETTINGS
 * clause appended to the SQL would not do: chDB runs every statement of a multi-statement text.
 */
async function openSessions(dir: string) {
  // Loaded here, not with the module: chDB's engine is a library of over 500 MB that servers mode never uses.
  const { drainPending, Session } = await import('chdb');
  let writer: Session;
  try {
    writer = new Session(dir, { connectionArgs: SETTINGS_ARGS });
  } catch (error) {
    // chDB says only "Failed to create connection"; the engine prints the reason to stderr.
    const holder = await processHoldingFolder(dir);
    throw holder ? new ChdbDataFolderLockedError(dir, holder, error) : error;
  }
  try {
    const reader = new Session(dir, { connectionArgs: [...SETTINGS_ARGS, ...Object.entries(READ_ONLY_SETTINGS).map(([name, value]) => `--${name}=${value}`)] });
    const close = async () => {
      reader.close();
      writer.close();
      // Native work still running would keep the folder bound; after this another folder may be opened.
      await drainPending();
    };
    return { writer, reader, close };
  } catch (error) {
    writer.close();
    throw error;
  }
}
