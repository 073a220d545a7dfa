import { Client, Pool, type ClientConfig, type PoolConfig } from 'pg';
import { oneStatementAtATime, setLocal, type SqlClient, type SqlExecutor } from './sql-client.port';

/**
 * The platform's statements are short: a batch's lookups, an append, a read of some streams. On a
 * table whose statistics are not gathered yet (a rebuild's, a fresh event store's), Postgres can
 * estimate one of them dear enough to compile it to machine code first: a read of 500 streams that
 * runs in 19 ms took 190 ms more to compile. So its connections run without JIT compilation.
 */
const SESSION_OPTIONS = '-c jit=off';

/** How long a new connection to Postgres may take to be ready, by default (CDP_DATABASE_CONNECT_TIMEOUT_SECONDS), as long as HikariCP waits. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * pg's pool options that give up a new connection not ready within `connectTimeoutMs`: a server
 * that takes the TCP connection and never answers (frozen, a proxy in front of nothing) held every
 * new connection, and the work waiting for it, for ever with nothing logged. The timeout is each
 * connection's (pg's Client), not the pool's: the pool's `connectionTimeoutMillis` would also bound
 * the wait for a free connection of a full pool, which is long when batches hold theirs across a
 * slow ClickHouse insert, and would fail that wait as if the database were away. Keep-alive probes
 * give up a connection, busy in a statement, whose host went away.
 */
export function serverConnectionOptions(connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS) {
  return { Client: clientReadyWithin(connectTimeoutMs), keepAlive: true, keepAliveInitialDelayMillis: 10_000 } as const;
}

function clientReadyWithin(connectTimeoutMs: number): typeof Client {
  return class ClientReadyWithin extends Client {
    constructor(config?: ClientConfig) {
      super({ ...config, connectionTimeoutMillis: connectTimeoutMs });
    }
  };
}

/** A SqlClient over a pg pool, for a real Postgres server. */
export function createPostgresSqlClient(config: PoolConfig & { connectionString: string }): SqlClient {
  const pool = new Pool({ max: 10, ...serverConnectionOptions(), ...config, options: [SESSION_OPTIONS, config.options].filter(Boolean).join(' ') });
  // An idle connection that the server ends (a restart, pg_terminate_backend, DROP DATABASE ...
  // WITH (FORCE)) is dropped by the pool, and the next query opens another. Without a listener,
  // the pool's 'error' event would end the whole process.
  pool.on('error', () => undefined);
  const run: SqlExecutor['query'] = async (sql, params) => (await pool.query(sql, params as unknown[])) as never;
  return {
    query: run,
    sharedByProcesses: true,
    async transaction(work, options) {
      const connection = await pool.connect();
      // The pool listens for errors of idle connections only: one the server ends while a
      // transaction holds it would emit an 'error' nobody hears, which ends the process. Its
      // statements fail instead, the transaction's caller retries, and the pool drops it.
      let lost: Error | undefined;
      const onLost = (error: Error) => (lost = error);
      connection.on('error', onLost);
      const executor = { ...oneStatementAtATime({ query: (sql, params) => connection.query(sql, params as unknown[]) as never }), sharedByProcesses: true };
      try {
        // One round trip: a query without parameters may hold several statements.
        await connection.query(`BEGIN; ${setLocal(options?.settings)}`);
        const result = await work(executor);
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await executor.idle();
        if (!lost) await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.off('error', onLost);
        connection.release(lost);
      }
    },
    close: () => pool.end(),
  };
}
