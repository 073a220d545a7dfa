import { AccountMergedError, IdempotencyKeyReusedError, InsufficientPointsError, InvalidRedemptionError, MergeCycleError } from '../loyalty.errors';
import type { LoyaltyProgram } from '../program/loyalty-program';
import { CUSTOMER, day, deepFreeze, expirePoints, handle, lot, OTHER, plusMs, purchase, record, redeem, refund, stateAfter, touchpoint, UNIT_PROGRAM } from '../testing/loyalty-fixtures';
import type { LoyaltyAccountCommand } from './loyalty-account.commands';
import { decideLoyaltyAccount } from './loyalty-account.decider';
import { evolveLoyaltyAccount } from './loyalty-account.evolve';
import type { LoyaltyAccountEvent } from './loyalty-account.events';
import { initialLoyaltyAccount, redemptionOf } from './loyalty-account.state';
import { availablePoints } from './lots';

const PROGRAM: LoyaltyProgram = { ...UNIT_PROGRAM, bonuses: { visit: 10, call: 0 } };

/** Given the commands handled so far, when this one comes, then it decides... */
const given = (...history: LoyaltyAccountCommand[]) => ({
  when: (command: LoyaltyAccountCommand, program: LoyaltyProgram = PROGRAM) => decideLoyaltyAccount(command, deepFreeze(stateAfter(history, program)), program),
});

const earned = (lotId: string, points: number, data: Partial<Extract<LoyaltyAccountEvent, { type: 'PointsEarned' }>['data']> = {}) =>
  expect.objectContaining({ type: 'PointsEarned', data: expect.objectContaining({ lotId, points, ...data }) });

describe('the loyalty account decider', () => {
  describe('earning on purchases', () => {
    it("refuses a purchase that would take the account's points past what a number counts exactly, though it earns few enough alone", () => {
      const largest = '999999999999999';
      const history = Array.from({ length: 9 }, (_, i) => record(purchase(`p${i}`, day(i * 400), `o${i}`, largest)));
      const state = stateAfter(history, UNIT_PROGRAM);
      expect(state.lifetime.earned).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
      expect(() => decideLoyaltyAccount(record(purchase('p-last', day(4000), 'o-last', largest)), state, UNIT_PROGRAM)).toThrow(
        new RangeError(`this would take the loyalty account of ${CUSTOMER} to about ${state.lifetime.earned + 999999999999999} points, more than the ${Number.MAX_SAFE_INTEGER} one account can count exactly`),
      );
    });

    it('credits a first purchase in the first tier, in a lot that expires expiryDays later', () => {
      expect(given().when(record(purchase('p1', day(0), 'o1', '800')))).toEqual([
        {
          type: 'PointsEarned',
          data: {
            customerId: CUSTOMER,
            lotId: 'p1',
            touchpointType: 'purchase',
            orderId: 'o1',
            amount: '800',
            tier: 'member',
            multiplier: '1',
            qualifyingSpend: '0',
            points: 800,
            earnedAt: day(0),
            expiresAt: day(365),
          },
        },
      ]);
    });

    it('credits the seed example: 30,000 points for a purchase of 300,000 at 0.1 point per unit', () => {
      const program = { ...UNIT_PROGRAM, pointsPerUnit: '0.1' };
      const events = given().when(record(purchase('tp-1', '2026-11-20T10:15:00.000Z', 'o-9', '300000')), program);
      expect(events).toEqual([earned('tp-1', 30_000, { expiresAt: '2027-11-20T10:15:00.000Z', tier: 'member' })]);
    });

    it('multiplies in each tier, and moves up as the qualifying spend grows', () => {
      const { events } = handle(
        [
          record(purchase('p1', day(0), 'o1', '800')),
          record(purchase('p2', day(10), 'o2', '400')),
          record(purchase('p3', day(20), 'o3', '100')),
          record(purchase('p4', day(30), 'o4', '3700')),
          record(purchase('p5', day(40), 'o5', '100')),
        ],
        PROGRAM,
      );
      expect(events).toEqual([
        earned('p1', 800, { tier: 'member', multiplier: '1', qualifyingSpend: '0' }),
        earned('p2', 400, { tier: 'member', multiplier: '1', qualifyingSpend: '800' }),
        earned('p3', 125, { tier: 'silver', multiplier: '1.25', qualifyingSpend: '1200' }),
        earned('p4', 4625, { tier: 'silver', multiplier: '1.25', qualifyingSpend: '1300' }),
        earned('p5', 150, { tier: 'gold', multiplier: '1.5', qualifyingSpend: '5000' }),
      ]);
    });

    it('counts the spend of the window [t − 365 days, t): the first instant in, t itself out', () => {
      const big = record(purchase('p1', day(0), 'o1', '1000'));
      expect(given(big).when(record(purchase('p2', day(365), 'o2', '100')))).toEqual([earned('p2', 125, { tier: 'silver' })]);
      expect(given(big).when(record(purchase('p2', plusMs(day(365), 1), 'o2', '100')))).toEqual([earned('p2', 100, { tier: 'member' })]);
      expect(given(big).when(record(purchase('p2', day(0), 'o2', '100')))).toEqual([earned('p2', 100, { tier: 'member' })]);
    });

    it('lowers the qualifying spend by the refunds in the window', () => {
      const history = [record(purchase('p1', day(0), 'o1', '1500')), record(refund('r1', day(1), 'o1', '600'))];
      expect(given(...history).when(record(purchase('p2', day(2), 'o2', '100')))).toEqual([earned('p2', 100, { tier: 'member', qualifyingSpend: '900' })]);
    });

    it('records a purchase that earns 0 points, since it counts as spend', () => {
      expect(given().when(record(purchase('p1', day(0), 'o1', '0.50')))).toEqual([earned('p1', 0)]);
    });

    it('earns nothing for a purchase in another currency, and reads the currency in any case', () => {
      expect(given().when(record(purchase('p1', day(0), 'o1', '100', 'EUR')))).toEqual([]);
      expect(given().when(record(purchase('p1', day(0), 'o1', '100', 'irr')))).toEqual([earned('p1', 100)]);
    });

    it('decides nothing for a touchpoint delivered again', () => {
      const history = [record(purchase('p1', day(0), 'o1', '100')), record(refund('r1', day(1), 'o1', '10'))];
      expect(given(...history).when(record(purchase('p1', day(0), 'o1', '100')))).toEqual([]);
      expect(given(...history).when(record(refund('r1', day(1), 'o1', '10')))).toEqual([]);
    });
  });

  describe('bonuses', () => {
    it('credits the bonus of a touchpoint type, in a lot without order or tier', () => {
      expect(given().when(record(touchpoint('v1', 'visit', day(3))))).toEqual([
        {
          type: 'PointsEarned',
          data: { customerId: CUSTOMER, lotId: 'v1', touchpointType: 'visit', orderId: null, amount: null, tier: null, multiplier: null, qualifyingSpend: null, points: 10, earnedAt: day(3), expiresAt: day(368) },
        },
      ]);
    });

    it('credits nothing for a type with a bonus of 0 or none, nor for a bonus delivered again', () => {
      expect(given().when(record(touchpoint('c1', 'call', day(3))))).toEqual([]);
      expect(given().when(record(touchpoint('u1', 'profile_update', day(3))))).toEqual([]);
      expect(given().when(record(touchpoint('x1', 'constructor', day(3))))).toEqual([]);
      expect(given(record(touchpoint('v1', 'visit', day(3)))).when(record(touchpoint('v1', 'visit', day(3))))).toEqual([]);
    });
  });

  describe('redeeming', () => {
    const lots = [record(purchase('p1', day(0), 'o1', '100')), record(purchase('p2', day(1), 'o2', '200')), record(purchase('p3', day(2), 'o3', '300'))];

    it('spends the lots first in, first out', () => {
      const { state, events } = handle([...lots, redeem(250, day(3), 'k1'), redeem(100, day(3), 'k2')], PROGRAM);
      expect(events.filter((event) => event.type === 'PointsRedeemed')).toEqual([
        {
          type: 'PointsRedeemed',
          data: { customerId: CUSTOMER, redemptionId: 'r-k1', idempotencyKey: 'k1', points: 250, reason: 'a coffee', lots: [{ lotId: 'p1', points: 100 }, { lotId: 'p2', points: 150 }], redeemedAt: day(3) },
        },
        expect.objectContaining({ data: expect.objectContaining({ lots: [{ lotId: 'p2', points: 50 }, { lotId: 'p3', points: 50 }] }) }),
      ]);
      expect(state.lots.map((l) => l.remaining)).toEqual([0, 0, 250]);
      expect(availablePoints(state, day(3))).toBe(250);
    });

    it('spends lots earned at the same instant in lot id order', () => {
      const events = given(record(purchase('b', day(0), 'o2', '100')), record(purchase('a', day(0), 'o1', '100'))).when(redeem(150, day(1)));
      expect(events).toEqual([expect.objectContaining({ data: expect.objectContaining({ lots: [{ lotId: 'a', points: 100 }, { lotId: 'b', points: 50 }] }) })]);
    });

    it('refuses more than is available, telling how much is, and spends nothing', () => {
      expect(() => given(...lots).when(redeem(601, day(3)))).toThrow(expect.objectContaining({ code: 'LOYALTY.INSUFFICIENT_POINTS', available: 600, requested: 601 }));
      expect(() => given(...lots).when(redeem(601, day(3)))).toThrow(InsufficientPointsError);
    });

    it('answers a redemption asked again with its key by deciding nothing', () => {
      expect(given(...lots, redeem(250, day(3), 'k1')).when(redeem(250, day(4), 'k1'))).toEqual([]);
    });

    it('refuses a key used before for other points or another reason', () => {
      const history = [...lots, redeem(250, day(3), 'k1')];
      expect(() => given(...history).when(redeem(251, day(3), 'k1'))).toThrow(IdempotencyKeyReusedError);
      expect(() => given(...history).when(redeem(250, day(3), 'k1', 'a tea'))).toThrow(expect.objectContaining({ code: 'LOYALTY.IDEMPOTENCY_KEY_REUSED', idempotencyKey: 'k1' }));
    });

    it.each([
      ['points', redeem(0, day(3))],
      ['points', redeem(-5, day(3))],
      ['points', redeem(1.5, day(3))],
      ['points', redeem(Number.NaN, day(3))],
      ['idempotencyKey', redeem(5, day(3), '')],
      ['idempotencyKey', redeem(5, day(3), 'k'.repeat(201))],
      ['reason', redeem(5, day(3), 'k', 'r'.repeat(501))],
      ['requestedAt', redeem(5, '2026-01-04T00:00:00Z')],
    ])('refuses an invalid %s', (field, command) => {
      expect(() => given(...lots).when(command)).toThrow(expect.objectContaining({ code: 'LOYALTY.INVALID_REDEMPTION', details: [expect.objectContaining({ field })] }));
      expect(() => given(...lots).when(command)).toThrow(InvalidRedemptionError);
    });

    it('says points are a JSON number where a client sent them as a string, as it sends money', () => {
      expect(() => given(...lots).when(redeem('5' as unknown as number, day(3)))).toThrow(
        expect.objectContaining({ details: [{ field: 'points', message: 'points must be a whole number above 0, written as a JSON number (500, not "500"); got "5"' }] }),
      );
    });

    it('names every invalid field at once', () => {
      expect(() => given(...lots).when(redeem(0, '2026-01-04T00:00:00Z', '', 'r'.repeat(501)))).toThrow(
        expect.objectContaining({ details: ['points', 'idempotencyKey', 'reason', 'requestedAt'].map((field) => expect.objectContaining({ field })) }),
      );
    });

    it('accepts a key of 200 characters and an empty reason', () => {
      expect(given(...lots).when(redeem(5, day(3), 'k'.repeat(200), ''))).toHaveLength(1);
    });

    it('expires the lots expired by then first, and does not spend them', () => {
      const history = [record(purchase('p1', day(0), 'o1', '100')), record(purchase('p2', day(100), 'o2', '200'))];
      expect(given(...history).when(redeem(150, day(365)))).toEqual([
        { type: 'PointsExpired', data: { customerId: CUSTOMER, lotId: 'p1', points: 100, expiredAt: day(365) } },
        expect.objectContaining({ type: 'PointsRedeemed', data: expect.objectContaining({ lots: [{ lotId: 'p2', points: 150 }] }) }),
      ]);
      expect(() => given(...history).when(redeem(201, day(365)))).toThrow(expect.objectContaining({ available: 200 }));
    });
  });

  describe('expiry', () => {
    const history = [record(purchase('p1', day(0), 'o1', '100'))];

    it('happens on the exact boundary: usable 1 ms before expiresAt, not at expiresAt', () => {
      expect(given(...history).when(redeem(100, plusMs(day(365), -1)))).toEqual([expect.objectContaining({ type: 'PointsRedeemed' })]);
      expect(() => given(...history).when(redeem(100, day(365)))).toThrow(expect.objectContaining({ available: 0 }));
      expect(given(...history).when(expirePoints(plusMs(day(365), -1)))).toEqual([]);
    });

    it('expires what is left of each lot, once', () => {
      const more = [...history, record(purchase('p2', day(1), 'o2', '50')), redeem(30, day(2))];
      expect(given(...more).when(expirePoints(day(366)))).toEqual([
        { type: 'PointsExpired', data: { customerId: CUSTOMER, lotId: 'p1', points: 70, expiredAt: day(365) } },
        { type: 'PointsExpired', data: { customerId: CUSTOMER, lotId: 'p2', points: 50, expiredAt: day(366) } },
      ]);
      expect(given(...more, expirePoints(day(366))).when(expirePoints(day(400)))).toEqual([]);
    });

    it('refuses a now that is not a canonical instant', () => {
      expect(() => given(...history).when(expirePoints('2027-01-01'))).toThrow(TypeError);
    });
  });

  describe('refunds', () => {
    it('claw back the share refunded, into debt when the points were spent: 0 available becomes −100', () => {
      const { state, events } = handle([record(purchase('p1', day(0), 'o1', '1000')), redeem(1000, day(1)), record(refund('r1', day(2), 'o1', '100'))], PROGRAM);
      expect(events.slice(-2)).toEqual([
        { type: 'RefundRecorded', data: { customerId: CUSTOMER, refundEventId: 'r1', orderId: 'o1', amount: '100', occurredAt: day(2) } },
        { type: 'PointsClawedBack', data: { customerId: CUSTOMER, lotId: 'p1', orderId: 'o1', refundEventId: 'r1', points: 100 } },
      ]);
      expect(availablePoints(state, day(2))).toBe(-100);
      expect(state.debt).toBe(100);
    });

    it('match the order typed on another keyboard or pasted with invisible marks: "ت-۱۲" and "ت-12" are one order', () => {
      const { state, events } = handle([record(purchase('p1', day(0), 'ت-۱۲', '1000')), record(refund('r1', day(1), '\u200fت-1\u200c2 ', '100'))], PROGRAM);
      expect(events.slice(-1)).toEqual([{ type: 'PointsClawedBack', data: { customerId: CUSTOMER, lotId: 'p1', orderId: 'ت-12', refundEventId: 'r1', points: 100 } }]);
      expect(lot(state, 'p1')).toMatchObject({ clawedBack: 100, remaining: 900 });
      // Case and punctuation tell orders apart.
      expect(handle([record(purchase('p1', day(0), 'A-12', '1000')), record(refund('r1', day(1), 'a-12', '100')), record(refund('r2', day(1), 'A12', '100'))], PROGRAM).events.map((e) => e.type)).not.toContain('PointsClawedBack');
    });

    it('match a refund to a purchase recorded before orders were keyed, with its id as it was typed', () => {
      const recordedRaw: LoyaltyAccountEvent = { type: 'PointsEarned', data: { ...(given().when(record(purchase('p1', day(0), 'o1', '1000')))[0] as Extract<LoyaltyAccountEvent, { type: 'PointsEarned' }>).data, orderId: 'ت-۱۲' } };
      const state = evolveLoyaltyAccount(initialLoyaltyAccount(CUSTOMER), recordedRaw);
      expect(decideLoyaltyAccount(record(refund('r1', day(1), 'ت-12', '100')), state, PROGRAM)).toContainEqual(expect.objectContaining({ type: 'PointsClawedBack', data: expect.objectContaining({ lotId: 'p1', points: 100 }) }));
    });

    it("match a refund to a purchase of an account absorbed before orders were keyed, its snapshot holding the id as typed", () => {
      const earnedRaw = { ...(decideLoyaltyAccount(record(purchase('p1', day(0), 'o1', '1000'), OTHER), initialLoyaltyAccount(OTHER), PROGRAM)[0] as Extract<LoyaltyAccountEvent, { type: 'PointsEarned' }>).data, orderId: 'ت-۱۲' };
      const other = evolveLoyaltyAccount(initialLoyaltyAccount(OTHER), { type: 'PointsEarned', data: earnedRaw });
      // The snapshot as an earlier release recorded it: the lot's order id as it was typed.
      const snapshot = { ...other, lots: other.lots.map((l) => ({ ...l, orderId: 'ت-۱۲' })) };
      const state = evolveLoyaltyAccount(initialLoyaltyAccount(CUSTOMER), { type: 'LoyaltyAccountAbsorbed', data: { customerId: CUSTOMER, from: OTHER, account: snapshot } });
      expect(decideLoyaltyAccount(record(refund('r1', day(1), 'ت-۱۲', '100')), state, PROGRAM)).toContainEqual(expect.objectContaining({ type: 'PointsClawedBack', data: expect.objectContaining({ lotId: 'p1', points: 100 }) }));
    });

    it('claw back the rest on a full refund, and new points pay the debt first', () => {
      const { state } = handle(
        [record(purchase('p1', day(0), 'o1', '1000')), redeem(1000, day(1)), record(refund('r1', day(2), 'o1', '100')), record(refund('r2', day(3), 'o1', '900')), record(purchase('p2', day(4), 'o2', '400'))],
        PROGRAM,
      );
      expect(lot(state, 'p1')).toMatchObject({ earned: 1000, clawedBack: 1000, remaining: 0 });
      expect(lot(state, 'p2')).toMatchObject({ earned: 400, remaining: 0 });
      expect(state.debt).toBe(600);
      expect(availablePoints(state, day(4))).toBe(-600);
    });

    it('take from the lot what it has left before running into debt', () => {
      const { state } = handle([record(purchase('p1', day(0), 'o1', '1000')), redeem(700, day(1)), record(refund('r1', day(2), 'o1', '500'))], PROGRAM);
      expect(lot(state, 'p1')).toMatchObject({ clawedBack: 500, remaining: 0 });
      expect(state.debt).toBe(200);
    });

    it('take back points that expired unspent without making debt, the same whether the expiry ran before the refund or after', () => {
      const bought = [record(purchase('p1', day(0), 'o1', '500')), record(purchase('p2', day(300), 'o2', '400'))];
      const expiredFirst = handle([...bought, expirePoints(day(366)), record(refund('r1', day(367), 'o1', '500'))], PROGRAM).state;
      const refundedFirst = stateAfter([...bought, record(refund('r1', day(367), 'o1', '500')), expirePoints(day(367))], PROGRAM);
      for (const state of [expiredFirst, refundedFirst]) {
        expect(state.debt).toBe(0);
        expect(availablePoints(state, day(367))).toBe(400);
        expect(state.lifetime).toEqual({ earned: 900, clawedBack: 500, redeemed: 0, expired: 0 });
        expect(lot(state, 'p1')).toMatchObject({ clawedBack: 500, remaining: 0 });
      }
    });

    it('take from points that expired only what was not spent: the spent share becomes debt', () => {
      const { state } = handle([record(purchase('p1', day(0), 'o1', '500')), redeem(300, day(1)), expirePoints(day(366)), record(refund('r1', day(367), 'o1', '500'))], PROGRAM);
      expect(state.lifetime).toEqual({ earned: 500, clawedBack: 500, redeemed: 300, expired: 0 });
      expect(state.debt).toBe(300);
    });

    it('owe the same after an expiry whether a later purchase arrived before the refund or after: an expiring lot pays the debt first', () => {
      const spent = [record(purchase('p1', day(0), 'o1', '500')), redeem(500, day(1))];
      const purchaseFirst = stateAfter([...spent, record(purchase('p2', day(2), 'o2', '300')), record(refund('r1', day(3), 'o1', '500')), expirePoints(day(368))], PROGRAM);
      const refundFirst = stateAfter([...spent, record(refund('r1', day(3), 'o1', '500')), record(purchase('p2', day(2), 'o2', '300')), expirePoints(day(368))], PROGRAM);
      for (const state of [purchaseFirst, refundFirst]) {
        expect(availablePoints(state, day(368))).toBe(-200);
        expect(state.debt).toBe(200);
        expect(state.lifetime).toEqual({ earned: 800, clawedBack: 500, redeemed: 500, expired: 0 });
      }
      // The balance is the same before the expiry is recorded.
      const notYetExpired = stateAfter([...spent, record(purchase('p2', day(2), 'o2', '300')), record(refund('r1', day(3), 'o1', '500'))], PROGRAM);
      expect(availablePoints(notYetExpired, day(368))).toBe(-200);
    });

    it('round each claw-back down, several partial refunds adding up to the full claw-back', () => {
      const history = [record(purchase('p1', day(0), 'o1', '1000')), record(purchase('p2', day(1), 'o2', '10'))];
      const { state, events } = handle([...history, record(refund('r1', day(2), 'o2', '3')), record(refund('r2', day(3), 'o2', '3')), record(refund('r3', day(4), 'o2', '4'))], PROGRAM);
      expect(lot(state, 'p2').earned).toBe(12);
      const clawbacks = events.filter((event) => event.type === 'PointsClawedBack').map((event) => event.data.points);
      expect(clawbacks).toEqual([3, 4, 5]);
      expect(lot(state, 'p2')).toMatchObject({ clawedBack: 12, remaining: 0 });
    });

    it('take back no more than the order earned when more than its amount is refunded', () => {
      const { state } = handle([record(purchase('p1', day(0), 'o1', '100')), record(refund('r1', day(1), 'o1', '80')), record(refund('r2', day(2), 'o1', '80'))], PROGRAM);
      expect(lot(state, 'p1')).toMatchObject({ earned: 100, clawedBack: 100, remaining: 0 });
      expect(state.debt).toBe(0);
    });

    it('arriving before their purchase are clawed back when it arrives', () => {
      const history = [record(refund('r1', day(1), 'o1', '250')), record(refund('r2', day(2), 'o1', '250'))];
      expect(given(record(refund('r1', day(1), 'o1', '250'))).when(record(purchase('p1', day(0), 'o1', '1000')))).toEqual([
        earned('p1', 1000),
        { type: 'PointsClawedBack', data: { customerId: CUSTOMER, lotId: 'p1', orderId: 'o1', refundEventId: 'r1', points: 250 } },
      ]);
      expect(given(...history).when(record(purchase('p1', day(0), 'o1', '1000')))).toEqual([earned('p1', 1000), expect.objectContaining({ data: expect.objectContaining({ refundEventId: 'r2', points: 500 }) })]);
    });

    it('of an order not seen yet, or in another currency, claw back nothing', () => {
      expect(given().when(record(refund('r1', day(1), 'o1', '250')))).toEqual([expect.objectContaining({ type: 'RefundRecorded' })]);
      expect(given(record(purchase('p1', day(0), 'o1', '1000'))).when(record(refund('r1', day(1), 'o1', '250', 'USD')))).toEqual([]);
    });

    it('claw back from the first lot of an order bought twice', () => {
      const history = [record(purchase('p2', day(1), 'o1', '100')), record(purchase('p1', day(0), 'o1', '100'))];
      const { state } = handle([...history, record(refund('r1', day(2), 'o1', '100'))], PROGRAM);
      expect(lot(state, 'p1').clawedBack).toBe(100);
      expect(lot(state, 'p2').clawedBack).toBe(0);
    });
  });

  describe('whatever the arrival order', () => {
    it('a purchase arriving late lifts the tier of the purchases after it, adjusting their points', () => {
      const late = record(purchase('p1', day(0), 'o1', '1000'));
      expect(given(record(purchase('p2', day(1), 'o2', '100'))).when(late)).toEqual([
        earned('p1', 1000, { tier: 'member' }),
        { type: 'PointsAdjusted', data: { customerId: CUSTOMER, lotId: 'p2', points: 25, tier: 'silver', multiplier: '1.25', qualifyingSpend: '1000', causeId: 'p1' } },
      ]);
    });

    it('a refund arriving late lowers the tier of the purchases after it, and the claw-back follows the points', () => {
      const history = [record(purchase('p1', day(0), 'o1', '1000')), record(purchase('p2', day(2), 'o2', '100')), record(refund('r2', day(3), 'o2', '100'))];
      const { state } = handle(history, PROGRAM);
      expect(lot(state, 'p2')).toMatchObject({ earned: 125, clawedBack: 125 });
      expect(given(...history).when(record(refund('r1', day(1), 'o1', '500')))).toEqual([
        expect.objectContaining({ type: 'RefundRecorded' }),
        { type: 'PointsClawedBack', data: { customerId: CUSTOMER, lotId: 'p1', orderId: 'o1', refundEventId: 'r1', points: 500 } },
        { type: 'PointsAdjusted', data: { customerId: CUSTOMER, lotId: 'p2', points: -25, tier: 'member', multiplier: '1', qualifyingSpend: '500', causeId: 'r1' } },
        // The claw-back target fell with the points: the difference is given back.
        { type: 'PointsClawedBack', data: { customerId: CUSTOMER, lotId: 'p2', orderId: 'o2', refundEventId: 'r2', points: -25 } },
      ]);
      const after = stateAfter([...history, record(refund('r1', day(1), 'o1', '500'))], PROGRAM);
      expect(lot(after, 'p2')).toMatchObject({ earned: 100, clawedBack: 100, remaining: 0, tier: 'member', multiplier: '1' });
      expect(after.debt).toBe(0);
    });

    it('an earlier purchase of the same order arriving late takes its refunds over', () => {
      const history = [record(purchase('p2', day(1), 'o1', '100')), record(refund('r1', day(2), 'o1', '100'))];
      const events = given(...history).when(record(purchase('p1', day(0), 'o1', '100')));
      expect(events).toEqual([
        earned('p1', 100),
        { type: 'PointsClawedBack', data: { customerId: CUSTOMER, lotId: 'p1', orderId: 'o1', refundEventId: 'r1', points: 100 } },
        { type: 'PointsClawedBack', data: { customerId: CUSTOMER, lotId: 'p2', orderId: 'o1', refundEventId: 'r1', points: -100 } },
      ]);
    });
  });

  describe('merging', () => {
    const otherHistory = [record(purchase('x1', day(0), 'o-x', '1000'), OTHER), redeem(100, day(0.5), 'shared-key', 'a coffee', OTHER)];
    const other = stateAfter(otherHistory, PROGRAM);
    const mergeOther: LoyaltyAccountCommand = { type: 'MergeAccountInto', data: { customerId: OTHER, into: CUSTOMER } };
    const absorbOther: LoyaltyAccountCommand = { type: 'AbsorbAccount', data: { customerId: CUSTOMER, from: OTHER, account: other } };
    const ownHistory = [record(purchase('y1', day(1), 'o-y', '100')), redeem(10, day(1.5), 'shared-key')];

    it('closes the merged account, carrying its state', () => {
      expect(given(...otherHistory).when(mergeOther)).toEqual([{ type: 'LoyaltyAccountMerged', data: { customerId: OTHER, into: CUSTOMER, account: other } }]);
    });

    it('closes even an empty account, and refuses a merge into itself', () => {
      expect(decideLoyaltyAccount(mergeOther, initialLoyaltyAccount(OTHER), PROGRAM)).toEqual([
        { type: 'LoyaltyAccountMerged', data: { customerId: OTHER, into: CUSTOMER, account: initialLoyaltyAccount(OTHER) } },
      ]);
      expect(() => given(...ownHistory).when({ type: 'MergeAccountInto', data: { customerId: CUSTOMER, into: CUSTOMER } })).toThrow(/itself/);
    });

    it('forwards every later command on a merged account to the account it went into', () => {
      const merged = [...otherHistory, mergeOther];
      expect(given(...merged).when(mergeOther)).toEqual([]);
      const later: LoyaltyAccountCommand[] = [
        record(purchase('x2', day(2), 'o2', '1'), OTHER),
        redeem(1, day(2), 'k', '', OTHER),
        expirePoints(day(2), OTHER),
        { type: 'MergeAccountInto', data: { customerId: OTHER, into: 'c-99' } },
        { type: 'AbsorbAccount', data: { customerId: OTHER, from: 'c-99', account: initialLoyaltyAccount('c-99') } },
      ];
      for (const command of later) {
        expect(() => given(...merged).when(command)).toThrow(AccountMergedError);
        expect(() => given(...merged).when(command)).toThrow(expect.objectContaining({ code: 'LOYALTY.ACCOUNT_MERGED', customerId: OTHER, into: CUSTOMER }));
      }
    });

    it('refuses to take in the account it was itself closed into', () => {
      const closedIntoOther = [...ownHistory, { type: 'MergeAccountInto', data: { customerId: CUSTOMER, into: OTHER } } as LoyaltyAccountCommand];
      const absorbOtherAgain: LoyaltyAccountCommand = { type: 'AbsorbAccount', data: { customerId: CUSTOMER, from: OTHER, account: other } };
      expect(() => given(...closedIntoOther).when(absorbOtherAgain)).toThrow(MergeCycleError);
      expect(() => given(...closedIntoOther).when(absorbOtherAgain)).toThrow(expect.objectContaining({ code: 'LOYALTY.MERGE_CYCLE', customerId: CUSTOMER, from: OTHER }));
    });

    it('takes in the lots, recomputing tiers on the combined history', () => {
      const events = given(...ownHistory).when(absorbOther);
      expect(events).toEqual([
        { type: 'LoyaltyAccountAbsorbed', data: { customerId: CUSTOMER, from: OTHER, account: other } },
        { type: 'PointsAdjusted', data: { customerId: CUSTOMER, lotId: 'y1', points: 25, tier: 'silver', multiplier: '1.25', qualifyingSpend: '1000', causeId: OTHER } },
      ]);
      const state = stateAfter([...ownHistory, absorbOther], PROGRAM);
      expect(state.lots.map((l) => [l.lotId, l.remaining])).toEqual([
        ['x1', 900],
        ['y1', 115],
      ]);
      expect(state.lifetime).toEqual({ earned: 1125, clawedBack: 0, redeemed: 110, expired: 0 });
      expect(state.absorbed).toEqual([OTHER]);
      expect(Object.keys(state.redemptions).sort()).toEqual([`${OTHER}:shared-key`, 'shared-key']);
      expect(availablePoints(state, day(2))).toBe(1015);
    });

    it('spends merged lots first in, first out, across both accounts', () => {
      const events = given(...ownHistory, absorbOther).when(redeem(950, day(2)));
      expect(events).toEqual([expect.objectContaining({ data: expect.objectContaining({ lots: [{ lotId: 'x1', points: 900 }, { lotId: 'y1', points: 50 }] }) })]);
    });

    it('claws back from a merged lot when its order is refunded here', () => {
      const state = stateAfter([...ownHistory, absorbOther, record(refund('r1', day(3), 'o-x', '1000'))], PROGRAM);
      expect(lot(state, 'x1')).toMatchObject({ clawedBack: 1000, remaining: 0 });
      expect(state.debt).toBe(100);
    });

    it("answers a retry of a merged account's redemption as that account's, though the survivor used its key too", () => {
      const asked = redeem(100, day(2), 'shared-key', 'a coffee');
      const retried = (requestedFor?: string) => ({ ...asked, data: { ...asked.data, requestedFor } });
      expect(given(...ownHistory, absorbOther).when(retried(OTHER))).toEqual([]);
      // Asked for the survivor itself, the key is the survivor's own, used for 10 points.
      expect(() => given(...ownHistory, absorbOther).when(retried())).toThrow(IdempotencyKeyReusedError);
      const state = stateAfter([...ownHistory, absorbOther], PROGRAM);
      expect(redemptionOf(state, 'shared-key', OTHER)).toMatchObject({ points: 100, reason: 'a coffee' });
      expect(redemptionOf(state, 'shared-key')).toMatchObject({ points: 10 });
    });

    it("keeps a key its customer's through a chain of merges, and for a redemption asked at a merged customer's id", () => {
      // OTHER's key goes into CUSTOMER without a clash, then CUSTOMER into c-9, which used the key too.
      const intoCustomer = stateAfter([absorbOther], PROGRAM);
      const last = 'c-9';
      const chain = stateAfter(
        [record(purchase('z1', day(0), 'o-z', '100'), last), redeem(1, day(1), 'shared-key', 'a biscuit', last), { type: 'AbsorbAccount', data: { customerId: last, from: CUSTOMER, account: intoCustomer } }],
        PROGRAM,
        initialLoyaltyAccount(last),
      );
      expect(redemptionOf(chain, 'shared-key', OTHER)).toMatchObject({ points: 100, reason: 'a coffee' });
      expect(redemptionOf(chain, 'shared-key')).toMatchObject({ points: 1, reason: 'a biscuit' });
      expect(redemptionOf(chain, 'shared-key', CUSTOMER)).toBeUndefined();
      // Asked at CUSTOMER's id, a new redemption with the same key is CUSTOMER's, and answers there.
      const asked = redeem(5, day(2), 'shared-key', 'tea', last);
      const events = decideLoyaltyAccount({ ...asked, data: { ...asked.data, requestedFor: CUSTOMER } }, chain, PROGRAM);
      const after = events.reduce(evolveLoyaltyAccount, chain);
      expect(redemptionOf(after, 'shared-key', CUSTOMER)).toMatchObject({ points: 5, reason: 'tea' });
      expect(redemptionOf(after, 'shared-key', OTHER)).toMatchObject({ points: 100 });
      expect(redemptionOf(after, 'shared-key')).toMatchObject({ points: 1 });
    });

    it("spends once for a key sent to the survivor's id and to a merged customer's id after the merge", () => {
      const asked = redeem(100, day(2), 'pos-7-receipt-1', 'a coffee');
      const at = (requestedFor?: string) => ({ ...asked, data: { ...asked.data, requestedFor } });
      for (const [first, retry] of [
        [undefined, OTHER],
        [OTHER, undefined],
      ]) {
        const afterFirst = given(...ownHistory, absorbOther, at(first));
        expect(afterFirst.when(at(retry))).toEqual([]);
        expect(() => afterFirst.when({ ...at(retry), data: { ...at(retry).data, points: 101 } })).toThrow(IdempotencyKeyReusedError);
        const state = stateAfter([...ownHistory, absorbOther, at(first)], PROGRAM);
        expect(redemptionOf(state, 'pos-7-receipt-1', retry)).toMatchObject({ points: 100 });
        expect(redemptionOf(state, 'pos-7-receipt-1', retry)?.owner).toBe(first);
      }
    });

    it('keeps answering such a key at each of those ids once the survivor is merged in turn', () => {
      const asked = redeem(100, day(2), 'pos-7-receipt-1', 'a coffee');
      const atOther = { ...asked, data: { ...asked.data, requestedFor: OTHER } };
      const intoCustomer = stateAfter([...ownHistory, absorbOther, asked], PROGRAM);
      const last = 'c-9';
      const chain = stateAfter([{ type: 'AbsorbAccount', data: { customerId: last, from: CUSTOMER, account: intoCustomer } }], PROGRAM, initialLoyaltyAccount(last));
      for (const id of [CUSTOMER, OTHER]) expect(redemptionOf(chain, 'pos-7-receipt-1', id)).toMatchObject({ points: 100 });
      expect(decideLoyaltyAccount({ ...atOther, data: { ...atOther.data, customerId: last } }, chain, PROGRAM)).toEqual([]);
      // The account it was merged into had no part in it.
      expect(redemptionOf(chain, 'pos-7-receipt-1')).toBeUndefined();
    });

    it("keeps a key used before a merge apart from the same key of a customer merged in later", () => {
      // CUSTOMER used the key while OTHER was still a customer of its own: OTHER's key is still free.
      const usedBefore = [...ownHistory, redeem(50, day(2), 'pos-7-receipt-1'), absorbOther];
      const state = stateAfter(usedBefore, PROGRAM);
      expect(redemptionOf(state, 'pos-7-receipt-1')).toMatchObject({ points: 50 });
      expect(redemptionOf(state, 'pos-7-receipt-1', OTHER)).toBeUndefined();
      const atOther = redeem(5, day(3), 'pos-7-receipt-1', 'tea');
      expect(given(...usedBefore).when({ ...atOther, data: { ...atOther.data, requestedFor: OTHER } })).toEqual([
        expect.objectContaining({ type: 'PointsRedeemed', data: expect.objectContaining({ points: 5, requestedFor: OTHER }) }),
      ]);
    });

    it('absorbs an account once, and never itself', () => {
      expect(given(...ownHistory, absorbOther).when(absorbOther)).toEqual([]);
      expect(given(...ownHistory).when({ type: 'AbsorbAccount', data: { customerId: CUSTOMER, from: CUSTOMER, account: other } })).toEqual([]);
    });

    it('remembers the accounts absorbed through the one it absorbs', () => {
      const state = stateAfter([{ type: 'AbsorbAccount', data: { customerId: CUSTOMER, from: OTHER, account: { ...other, absorbed: ['c-1'] } } }], PROGRAM);
      expect(state.absorbed).toEqual([OTHER, 'c-1']);
      expect(given({ type: 'AbsorbAccount', data: { customerId: CUSTOMER, from: OTHER, account: { ...other, absorbed: ['c-1'] } } }).when({ type: 'AbsorbAccount', data: { customerId: CUSTOMER, from: 'c-1', account: other } })).toEqual([]);
    });
  });

  it('refuses a command for another customer than the account given', () => {
    expect(() => given().when(record(purchase('p1', day(0), 'o1', '1'), OTHER))).toThrow(/was given the loyalty account of c-42/);
  });
});
