import { Pool, type PoolConfig } from 'pg';
import { oneStatementAtATime, setLocal, type SqlClient, type SqlExecutor } from './sql-client.port';

/**
 * The platform's statements are short: a batch's lookups, an append, a read of some streams. On a
 * table whose statistics are not gathered yet (a rebuild's, a fresh event store's), Postgres can
 * estimate one of them dear enough to compile it to machine code first: a read of 500 streams that
 * runs in 19 ms took 190 ms more to compile. So its connections run without JIT compilation.
 */
const SESSION_OPTIONS = '-c jit=off';

/** How long a process waits for a connection to Postgres by default (CDP_DATABASE_CONNECT_TIMEOUT_SECONDS), as long as HikariCP's pools do. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * pg's options that bound a wait on a server that stopped answering: a server that takes the TCP
 * connection and never answers (frozen, overloaded, a proxy in front of nothing) left every new
 * connection waiting for ever, the projections' batches with them, with nothing logged. pg's pool
 * counts `connectionTimeoutMillis` from the request for a connection, so a wait for one of a full
 * pool is bounded too. Keep-alive probes tell an idle connection to a host that went away.
 */
export function serverConnectionOptions(connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS) {
  return { connectionTimeoutMillis: connectTimeoutMs, keepAlive: true, keepAliveInitialDelayMillis: 10_000 } as const;
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
    async transaction(work, options) {
      const connection = await pool.connect();
      // The pool listens for errors of idle connections only: one the server ends while a
      // transaction holds it would emit an 'error' nobody hears, which ends the process. Its
      // statements fail instead, the transaction's caller retries, and the pool drops it.
      let lost: Error | undefined;
      const onLost = (error: Error) => (lost = error);
      connection.on('error', onLost);
      const executor = oneStatementAtATime({ query: (sql, params) => connection.query(sql, params as unknown[]) as never });
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
