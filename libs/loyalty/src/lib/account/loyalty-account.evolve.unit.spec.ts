import { CUSTOMER, day, deepFreeze, lot, OTHER } from '../testing/loyalty-fixtures';
import type { LoyaltyAccountEvent, PointsEarned } from './loyalty-account.events';
import { evolveLoyaltyAccount } from './loyalty-account.evolve';
import { initialLoyaltyAccount, type LoyaltyAccountState } from './loyalty-account.state';

const earnedEvent = (lotId: string, points: number, earnedAt = day(0), orderId: string | null = `o-${lotId}`): PointsEarned => ({
  type: 'PointsEarned',
  data: {
    customerId: CUSTOMER,
    lotId,
    touchpointType: orderId === null ? 'visit' : 'purchase',
    orderId,
    amount: orderId === null ? null : String(points),
    tier: orderId === null ? null : 'member',
    multiplier: orderId === null ? null : '1',
    qualifyingSpend: orderId === null ? null : '0',
    points,
    earnedAt,
    expiresAt: day(365),
  },
});
const clawedBack = (lotId: string, points: number): LoyaltyAccountEvent => ({ type: 'PointsClawedBack', data: { customerId: CUSTOMER, lotId, orderId: `o-${lotId}`, refundEventId: 'r', points } });
const adjusted = (lotId: string, points: number): LoyaltyAccountEvent => ({
  type: 'PointsAdjusted',
  data: { customerId: CUSTOMER, lotId, points, tier: 'silver', multiplier: '1.25', qualifyingSpend: '1000', causeId: 'c' },
});
const redeemed = (key: string, lots: { lotId: string; points: number }[]): LoyaltyAccountEvent => ({
  type: 'PointsRedeemed',
  data: { customerId: CUSTOMER, redemptionId: `r-${key}`, idempotencyKey: key, points: lots.reduce((sum, l) => sum + l.points, 0), reason: '', lots, redeemedAt: day(1) },
});

/** Folds `events` one by one, each on a deep-frozen state, as a proof that evolve changes none of its inputs. */
const fold = (events: readonly LoyaltyAccountEvent[], state: LoyaltyAccountState = initialLoyaltyAccount(CUSTOMER)): LoyaltyAccountState =>
  events.reduce((current, event) => evolveLoyaltyAccount(deepFreeze(current), deepFreeze(event)), state);

describe('evolveLoyaltyAccount', () => {
  it('keeps the lots in FIFO order, by earnedAt then lot id', () => {
    const state = fold([earnedEvent('b', 1, day(1)), earnedEvent('c', 1, day(0)), earnedEvent('a', 1, day(1))]);
    expect(state.lots.map((l) => l.lotId)).toEqual(['c', 'a', 'b']);
  });

  it('keeps the refunds in order, by occurredAt then refund event id', () => {
    const refunded = (refundEventId: string, occurredAt: string): LoyaltyAccountEvent => ({ type: 'RefundRecorded', data: { customerId: CUSTOMER, refundEventId, orderId: 'o', amount: '1', occurredAt } });
    const state = fold([refunded('r2', day(1)), refunded('r3', day(0)), refunded('r1', day(1))]);
    expect(state.refunds.map((r) => r.refundEventId)).toEqual(['r3', 'r1', 'r2']);
  });

  it('takes a claw-back from its lot first, then into debt', () => {
    const state = fold([earnedEvent('a', 100), redeemed('k', [{ lotId: 'a', points: 70 }]), clawedBack('a', 50)]);
    expect(lot(state, 'a')).toMatchObject({ earned: 100, clawedBack: 50, remaining: 0 });
    expect(state.debt).toBe(20);
    expect(state.lifetime).toEqual({ earned: 100, clawedBack: 50, redeemed: 70, expired: 0 });
  });

  it('pays the debt first from new points', () => {
    const inDebt = fold([earnedEvent('a', 100), redeemed('k', [{ lotId: 'a', points: 100 }]), clawedBack('a', 30)]);
    expect(fold([earnedEvent('b', 20, day(1))], inDebt)).toMatchObject({ debt: 10, lots: [expect.anything(), expect.objectContaining({ lotId: 'b', remaining: 0, earned: 20 })] });
    expect(lot(fold([earnedEvent('b', 100, day(1))], inDebt), 'b').remaining).toBe(70);
  });

  it('adjusts a lot up like an earn, and down like a claw-back, updating its tier', () => {
    const inDebt = fold([earnedEvent('a', 100), earnedEvent('b', 100, day(1)), redeemed('k', [{ lotId: 'a', points: 100 }]), clawedBack('a', 30)]);
    const up = fold([adjusted('b', 40)], inDebt);
    expect(lot(up, 'b')).toMatchObject({ earned: 140, remaining: 110, tier: 'silver', multiplier: '1.25' });
    expect(up.debt).toBe(0);
    const down = fold([adjusted('b', -130)], inDebt);
    expect(lot(down, 'b')).toMatchObject({ earned: -30, remaining: 0 });
    expect(down.debt).toBe(60);
    expect(down.lifetime.earned).toBe(70);
  });

  it('gives points back for a negative claw-back, paying the debt first', () => {
    const inDebt = fold([earnedEvent('a', 100), redeemed('k', [{ lotId: 'a', points: 100 }]), clawedBack('a', 30)]);
    const state = fold([clawedBack('a', -50)], inDebt);
    expect(lot(state, 'a')).toMatchObject({ clawedBack: -20, remaining: 20 });
    expect(state.debt).toBe(0);
  });

  it('spends each lot of a redemption and records it by its key', () => {
    const state = fold([earnedEvent('a', 100), earnedEvent('b', 100, day(1)), redeemed('k', [{ lotId: 'a', points: 100 }, { lotId: 'b', points: 20 }])]);
    expect(state.lots.map((l) => l.remaining)).toEqual([0, 80]);
    expect(state.redemptions['k']).toEqual({ redemptionId: 'r-k', idempotencyKey: 'k', points: 120, reason: '', lots: [{ lotId: 'a', points: 100 }, { lotId: 'b', points: 20 }], redeemedAt: day(1), madeFor: [CUSTOMER] });
    expect(state.lifetime.redeemed).toBe(120);
  });

  it('empties an expired lot', () => {
    const state = fold([earnedEvent('a', 100), { type: 'PointsExpired', data: { customerId: CUSTOMER, lotId: 'a', points: 100, expiredAt: day(365) } }]);
    expect(lot(state, 'a').remaining).toBe(0);
    expect(state.lifetime.expired).toBe(100);
  });

  it('closes a merged account and keeps its state for the audit', () => {
    const before = fold([earnedEvent('a', 100)]);
    const after = fold([{ type: 'LoyaltyAccountMerged', data: { customerId: CUSTOMER, into: OTHER, account: before } }], before);
    expect(after).toEqual({ ...before, mergedInto: OTHER });
  });

  it('absorbs an account: lots, refunds, debt and totals added, colliding ids and keys kept under the absorbed id', () => {
    const mine = fold([earnedEvent('a', 100, day(2)), redeemed('k', [{ lotId: 'a', points: 10 }])]);
    const theirs = { ...fold([earnedEvent('a', 50, day(1)), earnedEvent('b', 30, day(3)), redeemed('k', [{ lotId: 'a', points: 5 }])]), customerId: OTHER, debt: 7, absorbed: ['c-1'] };
    const state = fold([{ type: 'LoyaltyAccountAbsorbed', data: { customerId: CUSTOMER, from: OTHER, account: theirs } }], mine);
    expect(state.lots.map((l) => [l.lotId, l.remaining])).toEqual([
      [`${OTHER}:a`, 45],
      ['a', 90],
      ['b', 30],
    ]);
    expect(Object.keys(state.redemptions).sort()).toEqual([`${OTHER}:k`, 'k']);
    expect(state.debt).toBe(7);
    expect(state.absorbed).toEqual([OTHER, 'c-1']);
    expect(state.lifetime).toEqual({ earned: 180, clawedBack: 0, redeemed: 15, expired: 0 });
  });

  it('passes over an event type it does not know, for forward compatibility', () => {
    const state = fold([earnedEvent('a', 100)]);
    const later = { type: 'PointsGifted', data: { customerId: CUSTOMER, points: 5 } } as unknown as LoyaltyAccountEvent;
    expect(evolveLoyaltyAccount(state, later)).toBe(state);
  });

  it('passes over an event for a lot it does not have', () => {
    const state = fold([earnedEvent('a', 100)]);
    expect(fold([clawedBack('zz', 5), adjusted('zz', 5), { type: 'PointsExpired', data: { customerId: CUSTOMER, lotId: 'zz', points: 1, expiredAt: day(1) } }], state)).toEqual(state);
  });

  it('changes none of its inputs', () => {
    const state = deepFreeze(fold([earnedEvent('a', 100), earnedEvent('v', 10, day(1), null)]));
    const copy = structuredClone(state);
    for (const event of [earnedEvent('b', 5, day(2)), clawedBack('a', 5), adjusted('a', 5), redeemed('k', [{ lotId: 'a', points: 5 }])]) {
      expect(evolveLoyaltyAccount(state, deepFreeze(event))).not.toBe(state);
    }
    expect(state).toEqual(copy);
  });
});
