import type { RecordedEvent } from '@cdp/event-log';
import { parseStreamId } from '@cdp/events';
import { evolveLoyaltyAccount, initialLoyaltyAccount, ledgerEffectOf, nextExpiryOf, type LedgerEffect, type LoyaltyAccountEvent, type LoyaltyAccountState } from '@cdp/loyalty';
import type { ProjectionDefinition } from '@cdp/projections';
import { markCustomersChanged, migrateCustomerFeedTables } from '@cdp/customer-feed';
import { endIfIdleWhileHoldingLock, jsonbColumnToJson, migrateSchema, quoteIdentifier, rowsWithJsonTexts, rowsWithJsonTextsParameters, type SqlClient, type SqlExecutor } from '@cdp/sql';
import type { LoyaltyAccounts, MergeAccounts } from './loyalty-accounts';
import { isLoyaltyAccountEvent } from './loyalty-account-stream';
import { addToCommandOutbox, COMMAND_OUTBOX_TABLE, outboxTables, sendCommandOutbox } from './loyalty-command-outbox';

export const LOYALTY_PROJECTION = 'loyalty';

/**
 * The loyalty read model, a projection of the event store: each account folded from its stream
 * (what the balance API reads) and the ledger, one row for every event with its effect on the
 * balance and its cause. It also follows the customers' merges in the event store and sends
 * the matching account merges.
 */
export function loyaltyProjection({ accounts }: { readonly accounts: LoyaltyAccounts }): ProjectionDefinition {
  return {
    name: LOYALTY_PROJECTION,
    schema: LOYALTY_PROJECTION,
    outboxTable: COMMAND_OUTBOX_TABLE,
    async open(sql, schema) {
      await migrateLoyaltyTables(sql, schema);
      return {
        async apply(tx, events) {
          const loyaltyEvents = await notYetProjected(tx, schema, events.filter(isLoyaltyAccountEvent));
          if (loyaltyEvents.length > 0) await projectAccounts(tx, schema, loyaltyEvents);
          await addToCommandOutbox(tx, schema, events.filter((e) => e.type === 'CustomerMerged').map(mergeAccounts));
        },
        afterCommit: () => sendCommandOutbox(sql, schema, accounts),
      };
    },
    beforeSwap: markRebuiltAccountsChanged,
  };
}

/** The read model's tables, in `schema` (a rebuild builds them aside); loyalty_earning reads the ledger's earnings. */
export async function migrateLoyaltyTables(sql: SqlClient, schema: string = LOYALTY_PROJECTION): Promise<void> {
  await migrateCustomerFeedTables(sql);
  await migrateSchema(sql, schema, (s) => [
    `CREATE TABLE IF NOT EXISTS ${s}.accounts (
       customer_id text PRIMARY KEY,
       state json NOT NULL,
       version integer NOT NULL,
       merged_into text,
       next_expiry_at text
     )`,
    `CREATE INDEX IF NOT EXISTS accounts_next_expiry ON ${s}.accounts (next_expiry_at) WHERE merged_into IS NULL AND next_expiry_at IS NOT NULL`,
    `CREATE TABLE IF NOT EXISTS ${s}.ledger (
       event_id text PRIMARY KEY,
       account_id text NOT NULL,
       stream_id text NOT NULL,
       stream_position integer NOT NULL,
       type text NOT NULL,
       points bigint NOT NULL,
       cause text NOT NULL,
       recorded_at text NOT NULL,
       data json NOT NULL
     )`,
    `CREATE INDEX IF NOT EXISTS ledger_by_account ON ${s}.ledger (account_id, recorded_at, stream_id, stream_position)`,
    // Releases before 2026-12-05 kept both as jsonb.
    jsonbColumnToJson(`${s}.accounts`, 'state'),
    jsonbColumnToJson(`${s}.ledger`, 'data'),
    // Which account took a touchpoint (its points, or a refund): loyalty_earning sends it there again, not to another.
    `CREATE INDEX IF NOT EXISTS ledger_touchpoints_taken ON ${s}.ledger (cause) WHERE type IN ('PointsEarned', 'RefundRecorded')`,
    ...outboxTables(s),
  ]);
}

/**
 * The account that took each touchpoint, for those an account took: the one holding the points it
 * earned, or the refund it recorded (the survivor of that account's merges once this read model
 * followed them).
 */
export async function accountsThatTook(tx: SqlExecutor, touchpointIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ cause: string; account_id: string }>(
    `SELECT cause, account_id FROM ${quoteIdentifier(LOYALTY_PROJECTION)}.ledger WHERE type IN ('PointsEarned', 'RefundRecorded') AND cause = ANY($1::text[])`,
    [touchpointIds],
  );
  return new Map(rows.map((row) => [row.cause, row.account_id]));
}

function mergeAccounts(event: RecordedEvent): MergeAccounts {
  const { from, into } = event.data as { from: string; into: string };
  return { type: 'MergeAccounts', data: { from, into } };
}

type AccountEvent = RecordedEvent & LoyaltyAccountEvent;

interface LedgerRow {
  readonly event_id: string;
  account_id: string;
  readonly stream_id: string;
  readonly stream_position: number;
  readonly type: string;
  readonly points: LedgerEffect['points'];
  readonly cause: string;
  readonly recorded_at: string;
  readonly data: unknown;
}

/**
 * A rebuild folds the accounts anew, with the rules of today: where an account comes out other than
 * live folded it (the rules changed since), its customer is marked changed, so that the feed, which
 * publishes only what differs from what it last published, tells subscribers the new balance. States
 * whose texts differ are compared again as jsonb, whatever the order of their keys: an account
 * stored as jsonb before 2026-12-05 keeps jsonb's order, which a text compare alone took for a
 * change of every account.
 */
async function markRebuiltAccountsChanged(tx: SqlExecutor, aside: string): Promise<void> {
  const [built, current] = [quoteIdentifier(aside), quoteIdentifier(LOYALTY_PROJECTION)];
  const { rows } = await tx.query<{ customer_id: string }>(
    `SELECT b.customer_id FROM ${built}.accounts b LEFT JOIN ${current}.accounts c USING (customer_id)
     WHERE b.merged_into IS NULL AND (c.customer_id IS NULL OR (b.state::text IS DISTINCT FROM c.state::text AND b.state::jsonb IS DISTINCT FROM c.state::jsonb))
     ORDER BY b.customer_id`,
  );
  await markCustomersChanged(tx, rows.map((row) => row.customer_id));
}

/**
 * The event store has no consumer groups: in servers mode one projector process at a time runs
 * this projection (runProjectionExclusively). Still, batches are applied one at a time and an
 * event already in the ledger is skipped: embedded mode and tests run it without an owner, and
 * the ledger stays right whoever applies a batch.
 */
async function notYetProjected(tx: SqlExecutor, schema: string, events: readonly AccountEvent[]): Promise<AccountEvent[]> {
  if (events.length === 0) return [];
  await endIfIdleWhileHoldingLock(tx);
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`cdp-loyalty-projection:${schema}`]);
  const { rows } = await tx.query<{ event_id: string }>(`SELECT event_id FROM ${quoteIdentifier(schema)}.ledger WHERE event_id = ANY($1::text[])`, [
    events.map((e) => e.eventId),
  ]);
  const projected = new Set(rows.map((r) => r.event_id));
  return events.filter((e) => !projected.has(e.eventId));
}

async function projectAccounts(tx: SqlExecutor, schema: string, events: readonly AccountEvent[]): Promise<void> {
  const s = quoteIdentifier(schema);
  const ids = [...new Set(events.map((e) => parseStreamId(e.streamId).id))];
  const { rows } = await tx.query<{ customer_id: string; state: LoyaltyAccountState }>(`SELECT customer_id, state FROM ${s}.accounts WHERE customer_id = ANY($1::text[])`, [ids]);
  const states = new Map(rows.map((r) => [r.customer_id, r.state]));
  const versions = new Map<string, number>();
  const ledger: LedgerRow[] = [];
  const absorbedInto = new Map<string, string>();
  for (const event of events) {
    const customerId = parseStreamId(event.streamId).id;
    const before = states.get(customerId) ?? initialLoyaltyAccount(customerId);
    const after = evolveLoyaltyAccount(before, event);
    states.set(customerId, after);
    versions.set(customerId, event.streamPosition);
    const { points, cause } = ledgerEffectOf(event, before, after);
    ledger.push({
      event_id: event.eventId,
      account_id: customerId,
      stream_id: event.streamId,
      stream_position: event.streamPosition,
      type: event.type,
      points,
      cause,
      recorded_at: event.recordedAt,
      data: event.data,
    });
    // The absorbed account's history becomes the survivor's: its ledger still adds up to the balance.
    if (event.type === 'LoyaltyAccountAbsorbed') {
      for (const row of ledger) if (row.account_id === event.data.from) row.account_id = customerId;
      for (const [from, into] of absorbedInto) if (into === event.data.from) absorbedInto.set(from, customerId);
      absorbedInto.set(event.data.from, customerId);
    }
  }
  // One statement for the batch's merges, each absorbed account's earlier rows sent to where its chain of merges ends.
  if (absorbedInto.size > 0) {
    await tx.query(`UPDATE ${s}.ledger l SET account_id = m.into_id FROM unnest($1::text[], $2::text[]) AS m(from_id, into_id) WHERE l.account_id = m.from_id`, [
      [...absorbedInto.keys()],
      [...absorbedInto.values()],
    ]);
  }
  // The accounts' states and the events' data are only read whole: json, sent as JSON texts apart.
  await tx.query(
    `INSERT INTO ${s}.ledger
     SELECT r.event_id, r.account_id, r.stream_id, r.stream_position, r.type, r.points, r.cause, r.recorded_at, d.data::json
     FROM ${rowsWithJsonTexts(1, 'event_id text, account_id text, stream_id text, stream_position integer, type text, points bigint, cause text, recorded_at text', 'data')}`,
    rowsWithJsonTextsParameters(
      ledger.map(({ data: _data, ...row }) => row),
      ledger.map((row) => row.data),
    ),
  );
  const accounts = [...versions.keys()].map((id) => {
    const state = states.get(id)!;
    return { customer_id: id, state, version: versions.get(id), merged_into: state.mergedInto, next_expiry_at: state.mergedInto ? null : nextExpiryOf(state) };
  });
  await tx.query(
    `INSERT INTO ${s}.accounts
     SELECT r.customer_id, d.state::json, r.version, r.merged_into, r.next_expiry_at
     FROM ${rowsWithJsonTexts(1, 'customer_id text, version integer, merged_into text, next_expiry_at text', 'state')}
     ON CONFLICT (customer_id) DO UPDATE
       SET state = excluded.state, version = excluded.version, merged_into = excluded.merged_into, next_expiry_at = excluded.next_expiry_at`,
    rowsWithJsonTextsParameters(
      accounts.map(({ state: _state, ...row }) => row),
      accounts.map((row) => row.state),
    ),
  );
  if (schema === LOYALTY_PROJECTION) await markCustomersChanged(tx, [...versions.keys()].sort());
}
