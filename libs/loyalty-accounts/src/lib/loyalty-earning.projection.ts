import { CUSTOMER_PROJECTION } from '@cdp/customer-projection';
import type { RecordedEvent } from '@cdp/event-log';
import type { Touchpoint } from '@cdp/events';
import type { LoyaltyProgram, RecordTouchpoint } from '@cdp/loyalty';
import { WaitForProjectionError, type ProjectionDefinition } from '@cdp/projections';
import { migrateSchema, quoteIdentifier, type SqlExecutor } from '@cdp/sql';
import type { LoyaltyAccounts } from './loyalty-accounts';
import { accountsThatTook, migrateLoyaltyTables } from './loyalty.projection';
import { addToCommandOutbox, COMMAND_OUTBOX_TABLE, outboxTables, sendCommandOutbox } from './loyalty-command-outbox';

export const LOYALTY_EARNING_PROJECTION = 'loyalty_earning';

export interface LoyaltyEarningOptions {
  readonly program: LoyaltyProgram;
  readonly accounts: LoyaltyAccounts;
}

/**
 * Sends the touchpoints that change loyalty accounts (purchases, refunds, and the types the
 * program gives a bonus for) to the account of the customer each belongs to. Which customer that
 * is, the customers projection decides: this projection reads its attribution, and waits for it.
 */
export function loyaltyEarningProjection({ program, accounts }: LoyaltyEarningOptions): ProjectionDefinition {
  const earningTypes = new Set(['purchase', 'refund', ...Object.keys(program.bonuses).filter((type) => program.bonuses[type] > 0)]);
  return {
    name: LOYALTY_EARNING_PROJECTION,
    schema: LOYALTY_EARNING_PROJECTION,
    outboxTable: COMMAND_OUTBOX_TABLE,
    async open(sql, schema) {
      await migrateLoyaltyTables(sql);
      await migrateSchema(sql, schema, outboxTables);
      return {
        async apply(tx, events) {
          const touchpoints = events.filter((e) => earningTypes.has(e.type)).map((e) => e.data as Touchpoint);
          if (touchpoints.length === 0) return;
          const owners = await customersOf(tx, touchpoints);
          const unplaced = touchpoints.filter((t) => !owners.has(t.eventId));
          if (unplaced.length > 0) await waitForPlacement(tx, events, unplaced);
          // A touchpoint an account took already goes to that account again: the customers projection
          // may place it on another customer since (a conflict settled otherwise under changed
          // rules), and sending it there would credit its points, or count its refund, twice.
          const takenBy = await accountsThatTook(tx, touchpoints.map((t) => t.eventId));
          await addToCommandOutbox(tx, schema, touchpoints.map((t) => recordTouchpoint(takenBy.get(t.eventId) ?? owners.get(t.eventId)!, t)));
        },
        afterCommit: () => sendCommandOutbox(sql, schema, accounts),
      };
    },
  };
}

function recordTouchpoint(customerId: string, { eventId, type, occurredAt, payload }: Touchpoint): RecordTouchpoint {
  return { type: 'RecordTouchpoint', data: { customerId, touchpoint: { eventId, type, occurredAt, payload } } };
}

/** The customer each touchpoint belongs to now, for those the customers projection has placed. */
async function customersOf(tx: SqlExecutor, touchpoints: readonly Touchpoint[]): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ event_id: string; customer_id: string }>(
    `SELECT event_id, customer_id FROM ${quoteIdentifier(CUSTOMER_PROJECTION)}.touchpoints WHERE event_id = ANY($1::text[])`,
    [touchpoints.map((t) => t.eventId)],
  );
  return new Map(rows.map((r) => [r.event_id, r.customer_id]));
}

/**
 * Touchpoints the customers projection has not placed make the batch wait, from the first of them
 * on: the events before it are ready. One that projection holds as a dead letter fails here too,
 * with the reason.
 */
async function waitForPlacement(tx: SqlExecutor, events: readonly RecordedEvent[], unplaced: readonly Touchpoint[]): Promise<never> {
  const { rows: dead } = await tx.query<{ event_id: string }>(
    `SELECT event_id FROM projections.dead_letters WHERE projection = $1 AND resolved_at IS NULL AND event_id = ANY($2::text[])`,
    [CUSTOMER_PROJECTION, unplaced.map((t) => t.eventId)],
  );
  if (dead.length > 0) {
    throw new Error(
      `touchpoint ${dead[0].event_id} is a dead letter of the customers projection, so its customer is unknown; retry it there (cdp dlq retry), then retry it here`,
    );
  }
  const first = unplaced[0].eventId;
  throw new WaitForProjectionError(CUSTOMER_PROJECTION, `the customers projection has not placed touchpoint ${first} yet`, {
    ready: events.findIndex((e) => (e.data as Touchpoint).eventId === first),
  });
}
