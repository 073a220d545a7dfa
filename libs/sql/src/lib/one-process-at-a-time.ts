import type { SqlClient, SqlExecutor } from './sql-client.port';

/**
 * Runs `work` while no other process of the deployment runs work under the same key, with a
 * Postgres advisory lock held by a transaction of its own for as long as the work lasts. The
 * transaction may sit idle while the work runs elsewhere (ClickHouse DDL, another client's
 * migrations), so a server's idle-in-transaction timeout is lifted for it: ending the session
 * would let the next process in half-way through.
 */
export function oneProcessAtATime<T>(sql: SqlClient, key: string, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.query(`SET LOCAL idle_in_transaction_session_timeout = 0`);
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [key]);
    return work(tx);
  });
}
