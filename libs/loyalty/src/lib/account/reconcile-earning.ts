import { addDecimal } from '@cdp/money';
import type { LoyaltyProgram } from '../program/loyalty-program';
import { addDays } from '../utc-instant';
import { clawbackTarget, isPurchaseLot, pointsFor, qualifyingSpendLookup, tierFor } from './earning';
import type { PointsAdjusted, PointsClawedBack } from './loyalty-account.events';
import type { LoyaltyAccountState, LoyaltyLot } from './loyalty-account.state';

/*
 * Earning does not depend on the order touchpoints arrive in. A purchase lot's target points are
 * pointsFor(amount, the multiplier of the tier at its earnedAt), the tier chosen by the purchases
 * and refunds known now; its target claw-back is clawbackTarget(those points, amount, the refunds of
 * its order) when it is the order's lot (the first purchase lot of that order in FIFO order), and 0
 * otherwise. After every command that adds purchases or refunds, each lot that may have moved off
 * its targets is brought back to them, so every lot is on its targets whatever the arrival order.
 */

interface OrderRefunds {
  readonly total: string;
  /** The latest refund of the order, named as the cause of a claw-back. */
  readonly lastRefundEventId: string;
}

/**
 * The events that bring the purchase lots that `concerns` selects back to their targets, in FIFO
 * order: for each lot, a PointsAdjusted when its points differ from the target, then a
 * PointsClawedBack for the difference between its claw-back target and what it gave back. That
 * difference is negative only when the target fell: the lot's points went down (a tier lost to a
 * late refund), or the lot stopped being its order's lot (an earlier purchase of the same order
 * arrived late and takes the refunds over). `causeId` is the touchpoint or absorbed account that
 * moved the targets.
 */
export function reconcileEarning(state: LoyaltyAccountState, program: LoyaltyProgram, causeId: string, concerns: (lot: LoyaltyLot) => boolean = () => true): (PointsAdjusted | PointsClawedBack)[] {
  const refundsByOrder = refundsOfOrders(state);
  const orderLots = orderLotIds(state);
  const qualifyingSpendAt = qualifyingSpendLookup(state, program.tierWindowDays);
  const events: (PointsAdjusted | PointsClawedBack)[] = [];
  for (const lot of state.lots) {
    if (!isPurchaseLot(lot) || !concerns(lot)) continue;
    const qualifyingSpend = qualifyingSpendAt(lot.earnedAt);
    const tier = tierFor(program, qualifyingSpend);
    const earned = pointsFor(lot.amount, program.pointsPerUnit, tier.multiplier);
    if (earned !== lot.earned) {
      events.push({
        type: 'PointsAdjusted',
        data: { customerId: state.customerId, lotId: lot.lotId, points: earned - lot.earned, tier: tier.name, multiplier: tier.multiplier, qualifyingSpend, causeId },
      });
    }
    const refunds = refundsByOrder.get(lot.orderId);
    const clawedBack = refunds !== undefined && orderLots.get(lot.orderId) === lot.lotId ? clawbackTarget(earned, lot.amount, refunds.total) : 0;
    if (clawedBack !== lot.clawedBack) {
      events.push(clawback(state, lot, clawedBack - lot.clawedBack, refunds?.lastRefundEventId ?? causeId));
    }
  }
  return events;
}

/**
 * The claw-back that order `orderId`'s lot owes for the refunds recorded, as they stand with the
 * lot's current points; none when the order has no lot yet or owes nothing more.
 */
export function clawbackOfOrder(state: LoyaltyAccountState, orderId: string, refundEventId: string): PointsClawedBack[] {
  const lot = state.lots.find((candidate) => isPurchaseLot(candidate) && candidate.orderId === orderId);
  const refunds = refundsOfOrders(state).get(orderId);
  if (lot === undefined || !isPurchaseLot(lot) || refunds === undefined) return [];
  const owed = clawbackTarget(lot.earned, lot.amount, refunds.total) - lot.clawedBack;
  return owed > 0 ? [clawback(state, lot, owed, refundEventId)] : [];
}

/**
 * The lots whose targets a purchase or refund of order `orderId` at `at` can move: the lots of that
 * order, and the purchase lots whose tier window [earnedAt − tierWindowDays, earnedAt) holds `at`.
 */
export function lotsMovedBy(at: string, orderId: string, tierWindowDays: number): (lot: LoyaltyLot) => boolean {
  const windowEnd = addDays(at, tierWindowDays);
  return (lot) => lot.orderId === orderId || (lot.earnedAt > at && lot.earnedAt <= windowEnd);
}

function clawback(state: LoyaltyAccountState, lot: LoyaltyLot & { readonly orderId: string }, points: number, refundEventId: string): PointsClawedBack {
  return { type: 'PointsClawedBack', data: { customerId: state.customerId, lotId: lot.lotId, orderId: lot.orderId, refundEventId, points } };
}

function refundsOfOrders(state: LoyaltyAccountState): Map<string, OrderRefunds> {
  const byOrder = new Map<string, OrderRefunds>();
  for (const refund of state.refunds) {
    const total = addDecimal(byOrder.get(refund.orderId)?.total ?? '0', refund.amount);
    byOrder.set(refund.orderId, { total, lastRefundEventId: refund.refundEventId });
  }
  return byOrder;
}

function orderLotIds(state: LoyaltyAccountState): Map<string, string> {
  const lotIds = new Map<string, string>();
  for (const lot of state.lots) if (isPurchaseLot(lot) && !lotIds.has(lot.orderId)) lotIds.set(lot.orderId, lot.lotId);
  return lotIds;
}
