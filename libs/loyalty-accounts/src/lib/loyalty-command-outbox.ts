import { LoyaltyError } from '@cdp/loyalty';
import { quoteIdentifier, type SqlClient, type SqlExecutor } from '@cdp/sql';
import type { AccountsCommand, LoyaltyAccounts } from './loyalty-accounts';

/**
 * Loyalty commands a projection decided to send, kept in its own transaction and sent after the
 * commit. The account rules are idempotent (a touchpoint earns once, a merge happens once), so a
 * crash between sending and forgetting only sends a command again, to no effect.
 */
export const COMMAND_OUTBOX_TABLE = 'command_outbox';

export const outboxTables = (s: string) => [
  `CREATE TABLE IF NOT EXISTS ${s}.${COMMAND_OUTBOX_TABLE} (
     position bigserial PRIMARY KEY,
     command jsonb NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS ${s}.failed_commands (
     position bigint PRIMARY KEY,
     command jsonb NOT NULL,
     error text NOT NULL,
     failed_at timestamptz NOT NULL DEFAULT now()
   )`,
];

export async function addToCommandOutbox(tx: SqlExecutor, schema: string, commands: readonly AccountsCommand[]): Promise<void> {
  if (commands.length === 0) return;
  await tx.query(`INSERT INTO ${quoteIdentifier(schema)}.${COMMAND_OUTBOX_TABLE} (command) SELECT value FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY ORDER BY ordinality`, [JSON.stringify(commands)]);
}

/**
 * Sends what the outbox holds, in order, then forgets what it sent, and only that: positions are
 * taken when a transaction inserts, not when it commits, so one that commits late (another
 * process's batch) holds positions below those already sent, to be sent next. A command the rules refuse (a points
 * total beyond what can be counted exactly, say) is set aside in `failed_commands` with the reason,
 * so it cannot block the others; a store that does not answer stops the sending, to be retried.
 */
export async function sendCommandOutbox(sql: SqlClient, schema: string, accounts: LoyaltyAccounts): Promise<void> {
  const s = quoteIdentifier(schema);
  for (;;) {
    const { rows } = await sql.query<{ position: string; command: AccountsCommand }>(`SELECT position, command FROM ${s}.${COMMAND_OUTBOX_TABLE} ORDER BY position LIMIT 500`);
    if (rows.length === 0) return;
    try {
      await accounts.executeInOrder(rows.map((r) => r.command));
    } catch (error) {
      if (!isRefusedByRules(error)) throw error;
      await sendOneByOne(sql, s, rows, accounts);
    }
    await sql.query(`DELETE FROM ${s}.${COMMAND_OUTBOX_TABLE} WHERE position = ANY($1::bigint[])`, [rows.map((r) => r.position)]);
  }
}

async function sendOneByOne(sql: SqlClient, s: string, rows: readonly { position: string; command: AccountsCommand }[], accounts: LoyaltyAccounts) {
  for (const { position, command } of rows) {
    try {
      await accounts.executeInOrder([command]);
    } catch (error) {
      if (!isRefusedByRules(error)) throw error;
      await sql.query(`INSERT INTO ${s}.failed_commands (position, command, error) VALUES ($1, $2, $3) ON CONFLICT (position) DO NOTHING`, [
        position,
        JSON.stringify(command),
        `${(error as Error).name}: ${(error as Error).message}`,
      ]);
    }
  }
}

export interface FailedCommand {
  readonly position: string;
  readonly command: AccountsCommand;
  readonly error: string;
  readonly failedAt: string;
}

/** The commands of a projection's outbox that the rules refused, oldest first; none before the projection first opened. */
export async function listFailedCommands(db: SqlExecutor, schema: string): Promise<FailedCommand[]> {
  const table = `${quoteIdentifier(schema)}.failed_commands`;
  const { rows: exists } = await db.query<{ table: string | null }>(`SELECT to_regclass($1)::text AS table`, [table]);
  if (exists[0]?.table == null) return [];
  const { rows } = await db.query<{ position: string; command: AccountsCommand; error: string; failed_at: Date | string }>(
    `SELECT position, command, error, failed_at FROM ${table} ORDER BY position`,
  );
  return rows.map((r) => ({ position: String(r.position), command: r.command, error: r.error, failedAt: new Date(r.failed_at).toISOString() }));
}

/** The rules are pure: what they refuse once they refuse every time. */
function isRefusedByRules(error: unknown): boolean {
  return error instanceof LoyaltyError || error instanceof TypeError || error instanceof RangeError;
}
