import type { LoyaltyAccountAbsorbed, LoyaltyAccountEvent, PointsEarned, PointsRedeemed } from './loyalty-account.events';
import type { LoyaltyAccountState, LoyaltyLifetime, LoyaltyLot, Redemption } from './loyalty-account.state';
import { compareLots, compareRefunds, insertSorted } from './lots';
import { orderKey } from './order-key';

/*
 * How each event changes an account. Pure: it returns new objects and never changes its inputs.
 *
 * Debt: a negative change to a lot (a claw-back, a negative adjustment) takes from that lot's
 * remaining points first, then from its points that expired (which count as taken back instead of
 * expired, so the result does not depend on whether the expiry ran first), and what the lot does
 * not have becomes debt. A positive change (an earn,
 * a positive adjustment, a negative claw-back that gives points back) pays the debt first, and only
 * what is left adds to the lot's remaining points. An expiry pays the debt from what the lot has
 * left, and only the rest expires: the debt is the same whether a lot was earned before it arose or
 * after. It happens here, so a replay finds the same.
 */
export function evolveLoyaltyAccount(state: LoyaltyAccountState, event: LoyaltyAccountEvent): LoyaltyAccountState {
  switch (event.type) {
    case 'PointsEarned':
      return earn(state, event.data);
    case 'RefundRecorded': {
      const { refundEventId, orderId, amount, occurredAt } = event.data;
      // Keyed as decisions key orders now, whatever rule keyed them when the event was recorded.
      return { ...state, refunds: insertSorted(state.refunds, { refundEventId, orderId: orderKey(orderId), amount, occurredAt }, compareRefunds) };
    }
    case 'PointsClawedBack': {
      const { lotId, points } = event.data;
      return changeLot(state, lotId, -points, (lot) => ({ ...lot, clawedBack: lot.clawedBack + points }), { clawedBack: state.lifetime.clawedBack + points });
    }
    case 'PointsAdjusted': {
      const { lotId, points, tier, multiplier } = event.data;
      return changeLot(state, lotId, points, (lot) => ({ ...lot, earned: lot.earned + points, tier, multiplier }), { earned: state.lifetime.earned + points });
    }
    case 'PointsRedeemed':
      return redeem(state, event.data);
    case 'PointsExpired': {
      const { lotId, points } = event.data;
      const index = state.lots.findIndex((lot) => lot.lotId === lotId);
      if (index < 0) return state;
      // What the account owes is paid from the lot before the rest expires, as the lot would have paid it had it been earned after the debt.
      const settled = Math.min(state.debt, points);
      const expired = points - settled;
      const lots = [...state.lots];
      const lot = lots[index];
      lots[index] = { ...lot, remaining: lot.remaining - points, expired: (lot.expired ?? 0) + expired };
      return {
        ...state,
        lots,
        debt: state.debt - settled,
        lifetime: { ...state.lifetime, expired: state.lifetime.expired + expired },
      };
    }
    case 'LoyaltyAccountMerged':
      return { ...state, mergedInto: event.data.into };
    case 'LoyaltyAccountAbsorbed':
      return absorb(state, event.data);
    default:
      return unchangedByLaterEvent(state, event);
  }
}

/** An event type from a later version (the union here is exhaustive): this version has nothing to fold from it. */
function unchangedByLaterEvent(state: LoyaltyAccountState, _event: never): LoyaltyAccountState {
  return state;
}

function earn(state: LoyaltyAccountState, data: PointsEarned['data']): LoyaltyAccountState {
  const { lotId, touchpointType, orderId, amount, tier, multiplier, earnedAt, expiresAt, points } = data;
  const { remaining, debt } = applyChange(0, state.debt, points);
  const lot: LoyaltyLot = { lotId, touchpointType, orderId: orderId === null ? null : orderKey(orderId), amount, tier, multiplier, earnedAt, expiresAt, earned: points, clawedBack: 0, remaining };
  return { ...state, lots: insertSorted(state.lots, lot, compareLots), debt, lifetime: { ...state.lifetime, earned: state.lifetime.earned + points } };
}

/** Changes the remaining points of lot `lotId` by `delta` under the debt rule, with `update` for its other fields. */
function changeLot(state: LoyaltyAccountState, lotId: string, delta: number, update: (lot: LoyaltyLot) => LoyaltyLot, lifetime: Partial<LoyaltyLifetime>): LoyaltyAccountState {
  const index = state.lots.findIndex((lot) => lot.lotId === lotId);
  if (index < 0) return state;
  const lot = state.lots[index];
  const expired = lot.expired ?? 0;
  const { remaining, debt, unexpired } = applyChange(lot.remaining, state.debt, delta, expired);
  const lots = [...state.lots];
  lots[index] = { ...update(lot), remaining, ...(unexpired > 0 ? { expired: expired - unexpired } : {}) };
  const changed = { ...state.lifetime, ...lifetime };
  return { ...state, lots, debt, lifetime: unexpired > 0 ? { ...changed, expired: changed.expired - unexpired } : changed };
}

/** A change to a lot under the debt rule; `unexpired` is what a negative change took from the lot's expired points. */
function applyChange(remaining: number, debt: number, delta: number, expired = 0): { remaining: number; debt: number; unexpired: number } {
  if (delta >= 0) {
    const paid = Math.min(debt, delta);
    return { remaining: remaining + delta - paid, debt: debt - paid, unexpired: 0 };
  }
  const taken = Math.min(Math.max(remaining, 0), -delta);
  const unexpired = Math.min(expired, -delta - taken);
  return { remaining: remaining - taken, debt: debt - delta - taken - unexpired, unexpired };
}

function redeem(state: LoyaltyAccountState, data: PointsRedeemed['data']): LoyaltyAccountState {
  const { redemptionId, idempotencyKey, points, reason, lots: consumed, redeemedAt, requestedFor } = data;
  const spent = new Map(consumed.map((lot) => [lot.lotId, lot.points]));
  const owner = requestedFor === undefined || requestedFor === state.customerId ? undefined : requestedFor;
  const redemption: Redemption = {
    redemptionId,
    ...(owner === undefined ? {} : { owner }),
    idempotencyKey,
    points,
    reason,
    lots: consumed,
    redeemedAt,
    madeFor: [state.customerId, ...state.absorbed],
  };
  const heldAs = Object.hasOwn(state.redemptions, idempotencyKey) ? `${owner ?? state.customerId}:${idempotencyKey}` : idempotencyKey;
  return {
    ...state,
    lots: state.lots.map((lot) => (spent.has(lot.lotId) ? { ...lot, remaining: lot.remaining - spent.get(lot.lotId)! } : lot)),
    redemptions: { ...state.redemptions, [heldAs]: redemption },
    lifetime: { ...state.lifetime, redeemed: state.lifetime.redeemed + points },
  };
}

/**
 * The union of two accounts. Lot, refund and redemption ids are per account: one of the absorbed
 * account's that is already used here is kept under `${from}:${id}` (a redemption's under its
 * owner's id), so that nothing is lost; each redemption keeps the customer whose key it is.
 */
function absorb(state: LoyaltyAccountState, data: LoyaltyAccountAbsorbed['data']): LoyaltyAccountState {
  const { from, account } = data;
  const lotIds = new Set(state.lots.map((lot) => lot.lotId));
  const refundIds = new Set(state.refunds.map((refund) => refund.refundEventId));
  // The snapshot keeps order ids as they were recorded; they are keyed as earn and RefundRecorded key them now.
  const lots = account.lots.map((lot) => ({ ...lot, orderId: lot.orderId === null ? null : orderKey(lot.orderId), ...(lotIds.has(lot.lotId) ? { lotId: `${from}:${lot.lotId}` } : {}) }));
  const refunds = account.refunds.map((refund) => ({ ...refund, orderId: orderKey(refund.orderId), ...(refundIds.has(refund.refundEventId) ? { refundEventId: `${from}:${refund.refundEventId}` } : {}) }));
  const redemptions: Record<string, Redemption> = { ...state.redemptions };
  for (const [key, redemption] of Object.entries(account.redemptions)) {
    // The absorbed account's own redemptions are its customer's: their keys answer to its id.
    const owned = { ...redemption, owner: redemption.owner ?? from };
    redemptions[Object.hasOwn(redemptions, key) ? `${owned.owner}:${key}` : key] = owned;
  }
  return {
    ...state,
    lots: [...state.lots, ...lots].sort(compareLots),
    refunds: [...state.refunds, ...refunds].sort(compareRefunds),
    debt: state.debt + account.debt,
    redemptions,
    absorbed: [...new Set([...state.absorbed, from, ...account.absorbed])],
    lifetime: {
      earned: state.lifetime.earned + account.lifetime.earned,
      clawedBack: state.lifetime.clawedBack + account.lifetime.clawedBack,
      redeemed: state.lifetime.redeemed + account.lifetime.redeemed,
      expired: state.lifetime.expired + account.lifetime.expired,
    },
  };
}
