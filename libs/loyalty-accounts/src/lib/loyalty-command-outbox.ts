import type { LoyaltyAccountCommand } from '@cdp/loyalty';
import { quoteIdentifier, type SqlClient, type SqlExecutor } from '@cdp/sql';
import type { LoyaltyAccounts } from './loyalty-accounts';

/**
 * Loyalty commands a projection decided to send, kept in its own transaction and sent after the
 * commit. The account rules are idempotent (a touchpoint earns once, a merge happens once), so a
 * crash between sending and forgetting only sends a command again, to no effect.
 */
export const outboxTable = (s: string) => `
  CREATE TABLE IF NOT EXISTS ${s}.command_outbox (
    position bigserial PRIMARY KEY,
    command jsonb NOT NULL
  )`;

/** What merges accounts is not a loyalty account command: it touches two accounts. */
export type OutboxCommand = LoyaltyAccountCommand | { readonly type: 'MergeAccounts'; readonly data: { readonly from: string; readonly into: string } };

export async function addToCommandOutbox(tx: SqlExecutor, schema: string, commands: readonly OutboxCommand[]): Promise<void> {
  if (commands.length === 0) return;
  await tx.query(`INSERT INTO ${quoteIdentifier(schema)}.command_outbox (command) SELECT value FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY ORDER BY ordinality`, [JSON.stringify(commands)]);
}

/** Sends what the outbox holds, in order, then forgets it. */
export async function sendCommandOutbox(sql: SqlClient, schema: string, accounts: LoyaltyAccounts): Promise<void> {
  const s = quoteIdentifier(schema);
  for (;;) {
    const { rows } = await sql.query<{ position: string; command: OutboxCommand }>(`SELECT position, command FROM ${s}.command_outbox ORDER BY position LIMIT 500`);
    if (rows.length === 0) return;
    await send(rows.map((r) => r.command), accounts);
    await sql.query(`DELETE FROM ${s}.command_outbox WHERE position <= $1`, [rows[rows.length - 1].position]);
  }
}

/** How many accounts are written at once. */
const PARALLEL_ACCOUNTS = 8;

/**
 * Commands of different accounts do not depend on each other: each account's run in order, several
 * accounts at a time. A merge touches two accounts, so it waits for what came before it.
 */
async function send(commands: readonly OutboxCommand[], accounts: LoyaltyAccounts): Promise<void> {
  let byAccount = new Map<string, LoyaltyAccountCommand[]>();
  const flush = async () => {
    const groups = [...byAccount];
    byAccount = new Map();
    for (let i = 0; i < groups.length; i += PARALLEL_ACCOUNTS) {
      await Promise.all(groups.slice(i, i + PARALLEL_ACCOUNTS).map(([customerId, group]) => accounts.executeAll(customerId, group)));
    }
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
