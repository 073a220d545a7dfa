import { day, plusMs, purchase, record, redeem, refund, stateAfter, touchpoint, UNIT_PROGRAM } from '../testing/loyalty-fixtures';
import fc from 'fast-check';
import { loyaltyBalance, nextBalanceChangeAt } from './loyalty-balance';

const PROGRAM = { ...UNIT_PROGRAM, bonuses: { visit: 10 } };

describe('loyaltyBalance', () => {
  const state = stateAfter(
    [
      record(purchase('p1', day(0), 'o1', '600')),
      record(purchase('p2', day(20), 'o2', '500')),
      record(touchpoint('v1', 'visit', day(40))),
      redeem(100, day(41)),
      record(refund('r1', day(42), 'o2', '100')),
    ],
    PROGRAM,
  );

  it('shows what can be spent, what expires soon lot by lot, and the next expiry', () => {
    const balance = loyaltyBalance(state, PROGRAM, day(340));
    expect(balance.available).toBe(910);
    expect(balance.expiringSoon).toEqual({ points: 500, until: day(370), lots: [{ lotId: 'p1', points: 500, expiresAt: day(365) }] });
    expect(balance.nextExpiryAt).toBe(day(365));
    expect(balance.lifetime).toEqual({ earned: 1110, clawedBack: 100, redeemed: 100, expired: 0 });
  });

  it('counts a lot expiring exactly at the end of the period as expiring soon', () => {
    expect(loyaltyBalance(state, PROGRAM, day(355), 30).expiringSoon.lots.map((l) => l.lotId)).toEqual(['p1', 'p2']);
    expect(loyaltyBalance(state, PROGRAM, plusMs(day(355), -1), 30).expiringSoon.lots.map((l) => l.lotId)).toEqual(['p1']);
  });

  it('shows as expiring soon only what can still be spent: while points are owed, what is available, oldest lots first', () => {
    // 500 and 400 earned; p1's 500 redeemed, then o1 refunded in full: 500 owed against p2's 400.
    const bought = [record(purchase('p1', day(0), 'o1', '500')), record(purchase('p2', day(10), 'o2', '400'))];
    const owing = stateAfter([...bought, redeem(500, day(11)), record(refund('r1', day(12), 'o1', '500'))], PROGRAM);
    expect(loyaltyBalance(owing, PROGRAM, day(360)).available).toBe(-100);
    expect(loyaltyBalance(owing, PROGRAM, day(360)).expiringSoon).toEqual({ points: 0, until: day(390), lots: [] });
    // With p3's 200 too, 100 can be spent: of p2, the oldest lot, though p3 expires within the period as well.
    const some = stateAfter([...bought, record(purchase('p3', day(11), 'o3', '200')), redeem(500, day(12)), record(refund('r1', day(13), 'o1', '500'))], PROGRAM);
    expect(loyaltyBalance(some, PROGRAM, day(370)).available).toBe(100);
    expect(loyaltyBalance(some, PROGRAM, day(370)).expiringSoon).toEqual({ points: 100, until: day(400), lots: [{ lotId: 'p2', points: 100, expiresAt: day(375) }] });
  });

  it('leaves expired lots out, even before ExpirePoints ran, and counts them as expired', () => {
    const balance = loyaltyBalance(state, PROGRAM, day(365), 0);
    expect(balance.available).toBe(410);
    const { earned, clawedBack, redeemed, expired } = balance.lifetime;
    expect(balance.lifetime).toEqual({ earned: 1110, clawedBack: 100, redeemed: 100, expired: 500 });
    expect(earned - clawedBack - redeemed - expired).toBe(balance.available);
    expect(state.lifetime.expired).toBe(0);
    expect(balance.expiringSoon).toEqual({ points: 0, until: day(365), lots: [] });
    expect(balance.nextExpiryAt).toBe(day(385));
    expect(loyaltyBalance(state, PROGRAM, day(500)).nextExpiryAt).toBeNull();
  });

  it('shows the tier a purchase now would be in, and the spend needed for the next', () => {
    expect(loyaltyBalance(state, PROGRAM, day(50)).tier).toEqual({ name: 'silver', qualifyingSpend: '1000', next: { name: 'gold', from: '5000', spendNeeded: '4000' } });
    expect(loyaltyBalance(state, PROGRAM, day(366)).tier).toEqual({ name: 'member', qualifyingSpend: '400', next: { name: 'silver', from: '1000', spendNeeded: '600' } });
  });

  it('shows no next tier at the top', () => {
    const gold = stateAfter([record(purchase('p1', day(0), 'o1', '5000.50'))], PROGRAM);
    expect(loyaltyBalance(gold, PROGRAM, day(1)).tier).toEqual({ name: 'gold', qualifyingSpend: '5000.50', next: null });
  });

  it('refuses a now that is not canonical, and a negative period', () => {
    expect(() => loyaltyBalance(state, PROGRAM, '2026-01-01')).toThrow(TypeError);
    expect(() => loyaltyBalance(state, PROGRAM, day(1), -1)).toThrow(RangeError);
  });

  describe('nextBalanceChangeAt', () => {
    const standing = (at: string) => {
      const { available, tier } = loyaltyBalance(state, PROGRAM, at);
      return { available, tier: tier.name, qualifyingSpend: tier.qualifyingSpend };
    };

    it('names the next expiry, and when a purchase leaves the tier window', () => {
      expect(nextBalanceChangeAt(state, PROGRAM, day(300))).toBe(plusMs(day(365), 0));
      expect(nextBalanceChangeAt(state, PROGRAM, day(365))).toBe(plusMs(day(365), 1));
      expect(nextBalanceChangeAt(state, PROGRAM, day(1000))).toBeNull();
    });

    it('nothing the balance shows changes before it', () => {
      fc.assert(
        fc.property(fc.integer({ min: -10 * 86_400_000, max: 420 * 86_400_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (offsetMs, fraction) => {
          const now = plusMs(day(0), offsetMs);
          const next = nextBalanceChangeAt(state, PROGRAM, now);
          const until = next === null ? Date.parse(now) + 1000 * 86_400_000 : Date.parse(next);
          const between = plusMs(now, Math.floor((until - Date.parse(now) - 1) * fraction));
          expect(standing(between)).toEqual(standing(now));
        }),
      );
    });
  });
});
