import { initialLoyaltyAccount, loyaltyBalance, type LoyaltyAccountState, type LoyaltyBalance, type LoyaltyProgram } from '@cdp/loyalty';
import { pageOf, type Page, type SqlExecutor } from '@cdp/sql';
import { LOYALTY_PROJECTION } from './loyalty.projection';

export interface LedgerEntry {
  readonly eventId: string;
  readonly type: string;
  /** The change to the balance, signed. */
  readonly points: number;
  /** The touchpoint, refund, idempotency key or account behind it. */
  readonly cause: string;
  /** The account stream that holds the event (a merged account's, for its history). */
  readonly streamId: string;
  readonly streamPosition: number;
  readonly recordedAt: string;
  readonly data: unknown;
}

/** Where a page of a ledger ended: the recordedAt, stream id and stream position of its last entry. */
export type LedgerPosition = readonly [recordedAt: string, streamId: string, streamPosition: number];

/** Reads of the loyalty read model, for the query API. */
export class LoyaltyQueries {
  constructor(private readonly db: SqlExecutor) {}

  /** The account as folded from its stream; undefined when the customer has none yet. */
  async account(customerId: string): Promise<LoyaltyAccountState | undefined> {
    const { rows } = await this.db.query<{ state: LoyaltyAccountState }>(`SELECT state FROM ${LOYALTY_PROJECTION}.accounts WHERE customer_id = $1`, [customerId]);
    return rows[0]?.state;
  }

  /** The accounts of these customers that exist, by customer id. */
  async accounts(customerIds: readonly string[]): Promise<Map<string, LoyaltyAccountState>> {
    const { rows } = await this.db.query<{ customer_id: string; state: LoyaltyAccountState }>(
      `SELECT customer_id, state FROM ${LOYALTY_PROJECTION}.accounts WHERE customer_id = ANY($1::text[])`,
      [customerIds],
    );
    return new Map(rows.map((r) => [r.customer_id, r.state]));
  }

  /** The balance at `now`; a customer without an account yet has an empty one. */
  async balance(customerId: string, program: LoyaltyProgram, now: Date): Promise<LoyaltyBalance> {
    return loyaltyBalance((await this.account(customerId)) ?? initialLoyaltyAccount(customerId), program, now.toISOString());
  }

  /** Every change to the account, and to the accounts merged into it, newest first, after `before` when given. */
  async ledger(customerId: string, limit: number, before?: LedgerPosition): Promise<Page<LedgerEntry, LedgerPosition>> {
    const after = before ? 'AND (recorded_at, stream_id, stream_position) < ($3, $4, $5)' : '';
    const { rows } = await this.db.query<{
      event_id: string;
      type: string;
      points: string;
      cause: string;
      stream_id: string;
      stream_position: number;
      recorded_at: string;
      data: unknown;
    }>(
      `SELECT event_id, type, points, cause, stream_id, stream_position, recorded_at, data FROM ${LOYALTY_PROJECTION}.ledger
       WHERE account_id = $1 ${after} ORDER BY recorded_at DESC, stream_id DESC, stream_position DESC LIMIT $2`,
      [customerId, limit + 1, ...(before ?? [])],
    );
    const entry = (r: (typeof rows)[number]): LedgerEntry => ({
      eventId: r.event_id,
      type: r.type,
      points: Number(r.points),
      cause: r.cause,
      streamId: r.stream_id,
      streamPosition: r.stream_position,
      recordedAt: r.recorded_at,
      data: r.data,
    });
    return pageOf(rows, limit, entry, (r) => [r.recorded_at, r.stream_id, r.stream_position] as const);
  }

  /** Open accounts with a lot that has expired by `now` and still has points. */
  async accountsWithPointsExpiredBy(now: string, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ customer_id: string }>(
      `SELECT customer_id FROM ${LOYALTY_PROJECTION}.accounts WHERE merged_into IS NULL AND next_expiry_at <= $1 ORDER BY next_expiry_at LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => r.customer_id);
  }
}
