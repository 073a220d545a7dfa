import { canonicalDecimal, isAmount } from '@cdp/money';
import { orderKey } from './order-key';
import { describeValue } from '../describe-value';
import { AccountMergedError, IdempotencyKeyReusedError, InsufficientPointsError, InvalidRedemptionError, MergeCycleError } from '../loyalty.errors';
import type { LoyaltyProgram } from '../program/loyalty-program';
import { addDays, isCanonicalInstant, requireCanonicalInstant } from '../utc-instant';
import { pointsFor, qualifyingSpendAt, tierFor } from './earning';
import type { AbsorbAccount, EarningTouchpoint, ExpirePoints, LoyaltyAccountCommand, MergeAccountInto, RedeemPoints } from './loyalty-account.commands';
import type { LoyaltyAccountEvent, PointsEarned, PointsExpired } from './loyalty-account.events';
import { evolveLoyaltyAccount } from './loyalty-account.evolve';
import { redemptionOf, type LoyaltyAccountState } from './loyalty-account.state';
import { availablePoints, isLive, lotsToExpire } from './lots';
import { clawbackOfOrder, lotsMovedBy, reconcileEarning } from './reconcile-earning';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
export const MAX_REDEMPTION_REASON_LENGTH = 500;

/**
 * The events a command on a loyalty account decides, under `program`. Pure and deterministic: the
 * clock comes in the command (`requestedAt`, `now`) or the touchpoint (`occurredAt`). Idempotent: a
 * touchpoint delivered again, a redemption asked again with its key, a merge or an absorb done
 * again decide nothing. Throws a LoyaltyError when the command cannot be done as asked.
 */
export function decideLoyaltyAccount(command: LoyaltyAccountCommand, state: LoyaltyAccountState, program: LoyaltyProgram): LoyaltyAccountEvent[] {
  if (command.data.customerId !== state.customerId) {
    throw new Error(`a ${command.type} command for ${command.data.customerId} was given the loyalty account of ${state.customerId}`);
  }
  if (state.mergedInto !== null) {
    if (command.type === 'MergeAccountInto' && command.data.into === state.mergedInto) return [];
    if (command.type === 'AbsorbAccount' && command.data.from === state.mergedInto) throw new MergeCycleError(state.customerId, command.data.from);
    throw new AccountMergedError(state.customerId, state.mergedInto);
  }
  switch (command.type) {
    case 'RecordTouchpoint':
      return countable(state, decideTouchpoint(command.data.touchpoint, state, program));
    case 'RedeemPoints':
      return decideRedemption(command.data, state);
    case 'ExpirePoints':
      return decideExpiry(command.data, state);
    case 'MergeAccountInto':
      return decideMerge(command.data, state);
    case 'AbsorbAccount':
      return countable(state, decideAbsorb(command.data, state, program));
    default: {
      const unexpected: never = command;
      throw new Error(`unexpected loyalty command ${describeValue(unexpected)}`);
    }
  }
}

/**
 * Points are whole numbers that a JavaScript number counts exactly, up to 2^53 − 1: events that
 * would take an account's totals past that are refused, whatever each purchase earns alone.
 */
function countable(state: LoyaltyAccountState, events: LoyaltyAccountEvent[]): LoyaltyAccountEvent[] {
  if (events.length === 0) return events;
  const { lifetime } = fold(state, events);
  const largest = Math.max(lifetime.earned, lifetime.clawedBack, lifetime.redeemed, lifetime.expired);
  if (largest > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`this would take the loyalty account of ${state.customerId} to about ${largest} points, more than the ${Number.MAX_SAFE_INTEGER} one account can count exactly`);
  }
  return events;
}

function decideTouchpoint(touchpoint: EarningTouchpoint, state: LoyaltyAccountState, program: LoyaltyProgram): LoyaltyAccountEvent[] {
  if (state.lots.some((lot) => lot.lotId === touchpoint.eventId) || state.refunds.some((refund) => refund.refundEventId === touchpoint.eventId)) return [];
  const bonus = Object.hasOwn(program.bonuses, touchpoint.type) ? program.bonuses[touchpoint.type] : 0;
  const counts = touchpoint.type === 'purchase' || touchpoint.type === 'refund' || bonus > 0;
  if (!counts) return [];
  const occurredAt = requireCanonicalInstant(touchpoint.occurredAt, `the occurredAt of touchpoint ${touchpoint.eventId}`);
  if (touchpoint.type === 'purchase') return decidePurchase(touchpoint, occurredAt, state, program);
  if (touchpoint.type === 'refund') return decideRefund(touchpoint, occurredAt, state, program);
  return [earned(state, program, touchpoint, occurredAt, { orderId: null, amount: null, tier: null, multiplier: null, qualifyingSpend: null, points: bonus })];
}

function decidePurchase(touchpoint: EarningTouchpoint, occurredAt: string, state: LoyaltyAccountState, program: LoyaltyProgram): LoyaltyAccountEvent[] {
  const order = orderOf(touchpoint, program);
  if (order === null) return [];
  const qualifyingSpend = qualifyingSpendAt(state, occurredAt, program.tierWindowDays);
  const tier = tierFor(program, qualifyingSpend);
  const points = pointsFor(order.amount, program.pointsPerUnit, tier.multiplier);
  const events: LoyaltyAccountEvent[] = [earned(state, program, touchpoint, occurredAt, { ...order, tier: tier.name, multiplier: tier.multiplier, qualifyingSpend, points })];
  // A refund that arrived before its purchase is clawed back now.
  const refundsFirst = state.refunds.filter((refund) => refund.orderId === order.orderId);
  if (refundsFirst.length > 0) events.push(...clawbackOfOrder(fold(state, events), order.orderId, refundsFirst[refundsFirst.length - 1].refundEventId));
  return [...events, ...reconcileEarning(fold(state, events), program, touchpoint.eventId, lotsMovedBy(occurredAt, order.orderId, program.tierWindowDays))];
}

function decideRefund(touchpoint: EarningTouchpoint, occurredAt: string, state: LoyaltyAccountState, program: LoyaltyProgram): LoyaltyAccountEvent[] {
  const order = orderOf(touchpoint, program);
  if (order === null) return [];
  const events: LoyaltyAccountEvent[] = [
    { type: 'RefundRecorded', data: { customerId: state.customerId, refundEventId: touchpoint.eventId, orderId: order.orderId, amount: order.amount, occurredAt } },
  ];
  events.push(...clawbackOfOrder(fold(state, events), order.orderId, touchpoint.eventId));
  return [...events, ...reconcileEarning(fold(state, events), program, touchpoint.eventId, lotsMovedBy(occurredAt, order.orderId, program.tierWindowDays))];
}

/**
 * The order of a purchase or refund in the program currency (compared ignoring case), its id as
 * refunds are matched to it (`orderKey`) and its amount canonical; null for another currency, or for a payload without a string orderId and a
 * non-negative decimal amount (the touchpoint schemas rule those out upstream).
 */
function orderOf(touchpoint: EarningTouchpoint, program: LoyaltyProgram): { orderId: string; amount: string } | null {
  const { orderId, amount, currency } = touchpoint.payload;
  if (typeof orderId !== 'string' || !isAmount(amount) || typeof currency !== 'string') return null;
  if (currency.toUpperCase() !== program.currency.toUpperCase()) return null;
  return { orderId: orderKey(orderId), amount: canonicalDecimal(amount) };
}

type Earning = Pick<PointsEarned['data'], 'orderId' | 'amount' | 'tier' | 'multiplier' | 'qualifyingSpend' | 'points'>;

function earned(state: LoyaltyAccountState, program: LoyaltyProgram, touchpoint: EarningTouchpoint, occurredAt: string, earning: Earning): PointsEarned {
  return {
    type: 'PointsEarned',
    data: { customerId: state.customerId, lotId: touchpoint.eventId, touchpointType: touchpoint.type, ...earning, earnedAt: occurredAt, expiresAt: addDays(occurredAt, program.expiryDays) },
  };
}

function decideRedemption(request: RedeemPoints['data'], state: LoyaltyAccountState): LoyaltyAccountEvent[] {
  const { redemptionId, idempotencyKey, points, reason, requestedAt, requestedFor } = validRedemption(request);
  const earlier = redemptionOf(state, idempotencyKey, requestedFor);
  if (earlier !== undefined) {
    if (earlier.points === points && earlier.reason === reason) return [];
    throw new IdempotencyKeyReusedError(idempotencyKey);
  }
  const expiries = expiriesDue(state, requestedAt);
  const afterExpiry = fold(state, expiries);
  const available = availablePoints(afterExpiry, requestedAt);
  if (available < points) throw new InsufficientPointsError(available, points);
  // available = Σ remaining − debt ≥ points, so the live lots hold at least `points`.
  const lots: { lotId: string; points: number }[] = [];
  let toSpend = points;
  for (const lot of afterExpiry.lots) {
    if (toSpend === 0) break;
    if (!isLive(lot, requestedAt) || lot.remaining <= 0) continue;
    const spent = Math.min(lot.remaining, toSpend);
    lots.push({ lotId: lot.lotId, points: spent });
    toSpend -= spent;
  }
  const asked = requestedFor === undefined || requestedFor === state.customerId ? {} : { requestedFor };
  return [...expiries, { type: 'PointsRedeemed', data: { customerId: state.customerId, redemptionId, idempotencyKey, points, reason, lots, redeemedAt: requestedAt, ...asked } }];
}

/** The request when every field of it is valid; otherwise an InvalidRedemptionError naming each wrong field. */
function validRedemption(request: RedeemPoints['data']): RedeemPoints['data'] {
  const { points, idempotencyKey, reason, requestedAt } = request;
  const problems: ConstructorParameters<typeof InvalidRedemptionError>[0][number][] = [];
  if (typeof points !== 'number' || !Number.isSafeInteger(points) || points <= 0) {
    problems.push({ field: 'points', message: `points must be a whole number above 0, written as a JSON number (500, not "500"); got ${describeValue(points)}` });
  }
  if (typeof idempotencyKey !== 'string' || idempotencyKey === '' || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    problems.push({ field: 'idempotencyKey', message: `idempotencyKey must be a non-empty string of at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters; got ${describeValue(idempotencyKey)}` });
  }
  if (typeof reason !== 'string' || reason.length > MAX_REDEMPTION_REASON_LENGTH) {
    problems.push({ field: 'reason', message: `reason must be a string of at most ${MAX_REDEMPTION_REASON_LENGTH} characters; got ${describeValue(reason)}` });
  }
  if (!isCanonicalInstant(requestedAt)) {
    problems.push({ field: 'requestedAt', message: `requestedAt must be a canonical UTC instant such as "2026-01-31T00:00:00.000Z"; got ${describeValue(requestedAt)}` });
  }
  if (problems.length > 0) throw new InvalidRedemptionError(problems);
  return request;
}

function decideExpiry({ now }: ExpirePoints['data'], state: LoyaltyAccountState): PointsExpired[] {
  return expiriesDue(state, requireCanonicalInstant(now, 'the now of ExpirePoints'));
}

/** What is left of every lot expired at `now`, in FIFO order: what ExpirePoints decides, and what a balance shown at `now` already counts. */
export function expiriesDue(state: LoyaltyAccountState, now: string): PointsExpired[] {
  return lotsToExpire(state, now).map((lot) => ({ type: 'PointsExpired', data: { customerId: state.customerId, lotId: lot.lotId, points: lot.remaining, expiredAt: lot.expiresAt } }));
}

function decideMerge({ customerId, into }: MergeAccountInto['data'], state: LoyaltyAccountState): LoyaltyAccountEvent[] {
  if (into === customerId) throw new Error(`the loyalty account of ${customerId} cannot be merged into itself`);
  // Even an empty account is closed: the marker sends later commands on to `into`.
  return [{ type: 'LoyaltyAccountMerged', data: { customerId, into, account: state } }];
}

function decideAbsorb({ customerId, from, account }: AbsorbAccount['data'], state: LoyaltyAccountState, program: LoyaltyProgram): LoyaltyAccountEvent[] {
  if (from === customerId || state.absorbed.includes(from)) return [];
  const events: LoyaltyAccountEvent[] = [{ type: 'LoyaltyAccountAbsorbed', data: { customerId, from, account } }];
  // Either side's purchases and refunds may change the other's tiers: every lot is checked.
  return [...events, ...reconcileEarning(fold(state, events), program, from)];
}

function fold(state: LoyaltyAccountState, events: readonly LoyaltyAccountEvent[]): LoyaltyAccountState {
  return events.reduce(evolveLoyaltyAccount, state);
}
