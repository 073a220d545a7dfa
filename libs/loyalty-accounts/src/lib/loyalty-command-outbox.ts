import { LoyaltyError, type LoyaltyAccountCommand } from '@cdp/loyalty';
import { quoteIdentifier, type SqlClient, type SqlExecutor } from '@cdp/sql';
import type { LoyaltyAccounts } from './loyalty-accounts';

/**
 * Loyalty commands a projection decided to send, kept in its own transaction and sent after the
 * commit. The account rules are idempotent (a touchpoint earns once, a merge happens once), so a
 * crash between sending and forgetting only sends a command again, to no effect.
 */
export const outboxTables = (s: string) => [
  `CREATE TABLE IF NOT EXISTS ${s}.command_outbox (
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

/** What merges accounts is not a loyalty account command: it touches two accounts. */
export type OutboxCommand = LoyaltyAccountCommand | { readonly type: 'MergeAccounts'; readonly data: { readonly from: string; readonly into: string } };

export async function addToCommandOutbox(tx: SqlExecutor, schema: string, commands: readonly OutboxCommand[]): Promise<void> {
  if (commands.length === 0) return;
  await tx.query(`INSERT INTO ${quoteIdentifier(schema)}.command_outbox (command) SELECT value FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY ORDER BY ordinality`, [JSON.stringify(commands)]);
}

/**
 * Sends what the outbox holds, in order, then forgets it. A command the rules refuse (a points
 * total beyond what can be counted exactly, say) is set aside in `failed_commands` with the reason,
 * so it cannot block the others; a store that does not answer stops the sending, to be retried.
 */
export async function sendCommandOutbox(sql: SqlClient, schema: string, accounts: LoyaltyAccounts): Promise<void> {
  const s = quoteIdentifier(schema);
  for (;;) {
    const { rows } = await sql.query<{ position: string; command: OutboxCommand }>(`SELECT position, command FROM ${s}.command_outbox ORDER BY position LIMIT 500`);
    if (rows.length === 0) return;
    try {
      await send(rows.map((r) => r.command), accounts);
    } catch (error) {
      if (!isRefusedByRules(error)) throw error;
      await sendOneByOne(sql, s, rows, accounts);
    }
    await sql.query(`DELETE FROM ${s}.command_outbox WHERE position <= $1`, [rows[rows.length - 1].position]);
  }
}

async function sendOneByOne(sql: SqlClient, s: string, rows: readonly { position: string; command: OutboxCommand }[], accounts: LoyaltyAccounts) {
  for (const { position, command } of rows) {
    try {
      await send([command], accounts);
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

/** The rules are pure: what they refuse once they refuse every time. */
function isRefusedByRules(error: unknown): boolean {
  return error instanceof LoyaltyError || error instanceof TypeError || error instanceof RangeError;
}

/**
 * Commands of different accounts do not depend on each other: each account's run in order, all the
 * accounts together. A merge touches two accounts, so it waits for what came before it.
 */
async function send(commands: readonly OutboxCommand[], accounts: LoyaltyAccounts): Promise<void> {
  let byAccount = new Map<string, LoyaltyAccountCommand[]>();
  const flush = async () => {
    if (byAccount.size > 0) await accounts.executeMany(byAccount);
    byAccount = new Map();
  };
  for (const command of commands) {
    if (command.type === 'MergeAccounts') {
      await flush();
      await accounts.merge(command.data.from, command.data.into);
    } else {
      const group = byAccount.get(command.data.customerId);
      if (group) group.push(command);
      else byAccount.set(command.data.customerId, [command]);
    }
  }
  await flush();
}
