import { day, plusMs, purchase, record, refund, stateAfter, touchpoint, UNIT_PROGRAM } from '../testing/loyalty-fixtures';
import { DEFAULT_LOYALTY_PROGRAM } from '../program/loyalty-program';
import fc from 'fast-check';
import { clawbackTarget, nextTier, pointsFor, qualifyingSpendAt, qualifyingSpendLookup, tierFor } from './earning';

const PROGRAM = { ...UNIT_PROGRAM, bonuses: { visit: 10 } };

describe('earning arithmetic', () => {
  describe('pointsFor', () => {
    it('is floor(amount × pointsPerUnit × multiplier)', () => {
      expect(pointsFor('300000', '0.1', '1')).toBe(30_000);
      expect(pointsFor('10.99', '1', '1.25')).toBe(13);
      expect(pointsFor('999', '1', '1.5')).toBe(1498);
      expect(pointsFor('0.99', '1', '1')).toBe(0);
    });

    it('credits 10% in the shipped program: 30,000 points for a 300,000 order, whose customer is still a member', () => {
      const member = tierFor(DEFAULT_LOYALTY_PROGRAM, '300000');
      expect(member.name).toBe('member');
      expect(pointsFor('300000', DEFAULT_LOYALTY_PROGRAM.pointsPerUnit, member.multiplier)).toBe(30_000);
      expect(tierFor(DEFAULT_LOYALTY_PROGRAM, '10000000').name).toBe('silver');
      expect(tierFor(DEFAULT_LOYALTY_PROGRAM, '100000000').name).toBe('gold');
    });

    it('is exact where floats are not', () => {
      // 0.29 × 100 is 28.999999999999996 in floats.
      expect(pointsFor('0.29', '100', '1')).toBe(29);
      expect(pointsFor('0.1', '3', '10')).toBe(3);
    });

    it('refuses a result beyond the safe integers', () => {
      expect(pointsFor(String(Number.MAX_SAFE_INTEGER), '1', '1')).toBe(Number.MAX_SAFE_INTEGER);
      expect(() => pointsFor(String(Number.MAX_SAFE_INTEGER), '1', '1.000001')).toThrow(RangeError);
    });
  });

  describe('tierFor', () => {
    it.each([
      ['0', 'member'],
      ['999.99', 'member'],
      ['1000', 'silver'],
      ['1000.00', 'silver'],
      ['4999.999', 'silver'],
      ['5000', 'gold'],
      ['9000000000000000000000', 'gold'],
    ])('a qualifying spend of %s is in tier %s', (spend, name) => {
      expect(tierFor(UNIT_PROGRAM, spend).name).toBe(name);
    });

    it('knows the next tier, and none above the top', () => {
      const [member, silver, gold] = UNIT_PROGRAM.tiers;
      expect(nextTier(UNIT_PROGRAM, member)).toBe(silver);
      expect(nextTier(UNIT_PROGRAM, gold)).toBeNull();
    });
  });

  describe('qualifyingSpendAt', () => {
    const at = day(400);
    const spend = (...touchpoints: Parameters<typeof record>[0][]) => qualifyingSpendAt(stateAfter(touchpoints.map((tp) => record(tp)), PROGRAM), at, 365);

    it('counts purchases from tierWindowDays days before, included, to the instant itself, excluded', () => {
      const windowStart = day(35);
      expect(spend(purchase('p1', windowStart, 'o1', '100'))).toBe('100');
      expect(spend(purchase('p1', plusMs(windowStart, -1), 'o1', '100'))).toBe('0');
      expect(spend(purchase('p1', plusMs(at, -1), 'o1', '100'))).toBe('100');
      expect(spend(purchase('p1', at, 'o1', '100'))).toBe('0');
    });

    it('adds the purchases exactly and takes off the refunds in the window, of any order', () => {
      expect(spend(purchase('p1', day(100), 'o1', '100.50'), purchase('p2', day(200), 'o2', '0.25'), refund('r1', day(300), 'o-unknown', '50'), refund('r2', day(10), 'o1', '100'))).toBe('50.75');
    });

    it('is never below zero', () => {
      expect(spend(purchase('p1', day(100), 'o1', '100'), refund('r1', day(101), 'o1', '100'), refund('r2', day(102), 'o1', '100'))).toBe('0');
    });

    it('leaves bonus lots out', () => {
      expect(spend(touchpoint('v1', 'visit', day(100)))).toBe('0');
    });

    it('is given, the same string, by the lookup a reconcile uses, at any instant of any account', () => {
      const amount = fc.constantFrom('0', '1', '12.50', '300000', '0.125', '99.9', '7');
      const when = fc.integer({ min: 0, max: 800 }).map((n) => day(n / 2));
      const touchpointArb = fc.oneof(
        fc.tuple(when, fc.constantFrom('o1', 'o2', 'o3', 'o4'), amount).map(([at, order, value]) => ({ kind: 'purchase' as const, at, order, value })),
        fc.tuple(when, fc.constantFrom('o1', 'o2', 'o9'), amount).map(([at, order, value]) => ({ kind: 'refund' as const, at, order, value })),
        when.map((at) => ({ kind: 'visit' as const, at, order: '', value: '' })),
      );
      fc.assert(
        fc.property(fc.array(touchpointArb, { maxLength: 40 }), fc.array(when, { minLength: 1, maxLength: 10 }), fc.constantFrom(1, 30, 365), (items, instants, windowDays) => {
          const touchpoints = items.map((item, n) =>
            item.kind === 'purchase' ? purchase(`p${n}`, item.at, `${item.order}-${n}`, item.value) : item.kind === 'refund' ? refund(`r${n}`, item.at, item.order, item.value) : touchpoint(`v${n}`, 'visit', item.at),
          );
          const state = stateAfter(touchpoints.map((tp) => record(tp)), PROGRAM);
          const lookup = qualifyingSpendLookup(state, windowDays);
          for (const at of [...instants, ...instants]) expect(lookup(at)).toBe(qualifyingSpendAt(state, at, windowDays));
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('clawbackTarget', () => {
    it('takes back the share of the order refunded, rounded down', () => {
      expect(clawbackTarget(1250, '1000', '300')).toBe(375);
      expect(clawbackTarget(12, '10', '3')).toBe(3);
      expect(clawbackTarget(100, '3', '1')).toBe(33);
    });

    it('takes back everything for a full refund, and no more for a larger one', () => {
      expect(clawbackTarget(12, '10', '10.00')).toBe(12);
      expect(clawbackTarget(12, '10', '25')).toBe(12);
    });

    it('takes back nothing for an order of amount 0', () => {
      expect(clawbackTarget(0, '0', '5')).toBe(0);
    });
  });
});
