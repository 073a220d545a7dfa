import type { SqlExecutor } from './sql-client.port';

/** How long a transaction that holds a lock other processes wait for may sit idle before the server ends it. */
export const LOCK_HOLDER_IDLE_LIMIT_SECONDS = 60;

/**
 * Run before a transaction takes a lock that every process of the deployment waits for (the
 * customer projection's batch, a feed partition): a holder that stops answering while its
 * connection stays up (a process paused or frozen, a suspended VM, a long stop of the world) is
 * ended by the server once it has sat idle that long, which lets the lock go, where it held every
 * other process back for as long as it lasted. Its work rolls back and is done again. A wait for
 * the lock, or a statement that runs, is not idle. Nothing on PGlite: no other process waits there,
 * and PGlite past the limit never answers the transaction's next statement, holding the process.
 */
export async function endIfIdleWhileHoldingLock(tx: SqlExecutor, seconds = LOCK_HOLDER_IDLE_LIMIT_SECONDS): Promise<void> {
  if (!tx.sharedByProcesses) return;
  await tx.query(`SET LOCAL idle_in_transaction_session_timeout = '${Math.round(seconds * 1000)}ms'`);
}
