import { MS_PER_DAY } from '@cdp/events';
import { decideLoyaltyAccount } from '../account/loyalty-account.decider';
import type { EarningTouchpoint, LoyaltyAccountCommand, RecordTouchpoint, RedeemPoints } from '../account/loyalty-account.commands';
import type { LoyaltyAccountEvent } from '../account/loyalty-account.events';
import { evolveLoyaltyAccount } from '../account/loyalty-account.evolve';
import { initialLoyaltyAccount, type LoyaltyAccountState } from '../account/loyalty-account.state';
import { DEFAULT_LOYALTY_PROGRAM, type LoyaltyProgram } from '../program/loyalty-program';

/** Test data for the loyalty specs. */

/**
 * The program the rule specs reason in: a point per unit of amount, so that points read as the
 * amounts that earned them, with tiers from 1,000 and 5,000. The shipped program earns 10%, with
 * tiers at IRR spends (DEFAULT_LOYALTY_PROGRAM).
 */
export const UNIT_PROGRAM: LoyaltyProgram = {
  ...DEFAULT_LOYALTY_PROGRAM,
  pointsPerUnit: '1',
  tiers: DEFAULT_LOYALTY_PROGRAM.tiers.map((tier, n) => ({ ...tier, from: ['0', '1000', '5000'][n] })),
};

export const CUSTOMER = 'c-42';
export const OTHER = 'c-77';

/** The instant `days` days (may be fractional or negative) after 2026-01-01T00:00:00.000Z. */
export const day = (days: number): string => new Date(Date.parse('2026-01-01T00:00:00.000Z') + Math.round(days * MS_PER_DAY)).toISOString();

/** The instant `ms` milliseconds after `instant`. */
export const plusMs = (instant: string, ms: number): string => new Date(Date.parse(instant) + ms).toISOString();

export const purchase = (eventId: string, occurredAt: string, orderId: string, amount: string, currency = 'IRR'): EarningTouchpoint => ({
  eventId,
  type: 'purchase',
  occurredAt,
  payload: { orderId, amount, currency },
});

export const refund = (eventId: string, occurredAt: string, orderId: string, amount: string, currency = 'IRR'): EarningTouchpoint => ({
  eventId,
  type: 'refund',
  occurredAt,
  payload: { orderId, amount, currency, reason: null },
});

export const touchpoint = (eventId: string, type: string, occurredAt: string): EarningTouchpoint => ({ eventId, type, occurredAt, payload: {} });

export const record = (tp: EarningTouchpoint, customerId = CUSTOMER): RecordTouchpoint => ({ type: 'RecordTouchpoint', data: { customerId, touchpoint: tp } });

export const redeem = (points: number, requestedAt: string, idempotencyKey = `key-${points}`, reason = 'a coffee', customerId = CUSTOMER): RedeemPoints => ({
  type: 'RedeemPoints',
  data: { customerId, redemptionId: `r-${idempotencyKey}`, idempotencyKey, points, reason, requestedAt },
});

export const expirePoints = (now: string, customerId = CUSTOMER): LoyaltyAccountCommand => ({ type: 'ExpirePoints', data: { customerId, now } });

/** An account, and the events decided so far, after handling `commands` one by one as a command handler would. */
export function handle(
  commands: readonly LoyaltyAccountCommand[],
  program: LoyaltyProgram = UNIT_PROGRAM,
  state: LoyaltyAccountState = initialLoyaltyAccount(commands[0]?.data.customerId ?? CUSTOMER),
): { state: LoyaltyAccountState; events: LoyaltyAccountEvent[] } {
  const events: LoyaltyAccountEvent[] = [];
  for (const command of commands) {
    const decided = decideLoyaltyAccount(command, deepFreeze(state), program);
    events.push(...decided);
    state = decided.reduce(evolveLoyaltyAccount, state);
  }
  return { state, events };
}

/** The state after `commands`. */
export const stateAfter = (commands: readonly LoyaltyAccountCommand[], program: LoyaltyProgram = UNIT_PROGRAM, state?: LoyaltyAccountState): LoyaltyAccountState =>
  handle(commands, program, state).state;

/** `value`, frozen all the way down, so that a test fails if the code under test changes it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A lot by id, to read its counters. */
export const lot = (state: LoyaltyAccountState, lotId: string) => {
  const found = state.lots.find((candidate) => candidate.lotId === lotId);
  if (found === undefined) throw new Error(`no lot ${lotId}`);
  return found;
};
