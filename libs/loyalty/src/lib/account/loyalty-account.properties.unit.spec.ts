import { addDecimal, compareDecimal, floorDecimal, floorDivideDecimal, multiplyDecimal, subtractDecimal } from '@cdp/money';
import fc from 'fast-check';
import { LoyaltyError } from '../loyalty.errors';
import type { LoyaltyProgram } from '../program/loyalty-program';
import { day, expirePoints, handle, purchase, record, redeem, refund, stateAfter, touchpoint } from '../testing/loyalty-fixtures';
import type { EarningTouchpoint, LoyaltyAccountCommand } from './loyalty-account.commands';
import { decideLoyaltyAccount } from './loyalty-account.decider';
import { evolveLoyaltyAccount } from './loyalty-account.evolve';
import { initialLoyaltyAccount, type LoyaltyAccountState } from './loyalty-account.state';
import { availablePoints } from './lots';
import { balanceOf, ledgerEffectOf } from './loyalty-ledger';
import type { LoyaltyAccountEvent } from './loyalty-account.events';

const RUNS = { numRuns: 200 };

/** Small tier thresholds and a short window, so that tiers change often and windows end on purchases. */
const PROGRAM: LoyaltyProgram = {
  currency: 'IRR',
  pointsPerUnit: '0.5',
  bonuses: { visit: 7 },
  tiers: [
    { name: 'member', from: '0', multiplier: '1' },
    { name: 'silver', from: '100', multiplier: '1.25' },
    { name: 'gold', from: '500', multiplier: '1.5' },
  ],
  tierWindowDays: 10,
  expiryDays: 36_500,
};
/** Before any lot of PROGRAM expires. */
const NOW = day(1000);

/** An amount of 0 to 300 with 0 to 2 decimals. */
const amount = fc.tuple(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: 2 })).map(([units, scale]) => {
  const digits = String(units).padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
});
/** Whole days, often equal, so that instants tie and windows end exactly on a purchase. */
const instant = fc.integer({ min: 0, max: 40 }).map(day);
const orderId = fc.integer({ min: 0, max: 6 }).map((n) => `o${n}`);

/** Purchases (a few in another currency), refunds (some of unknown orders) and visits, each with its own event id. */
const touchpoints = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('purchase' as const), at: instant, orderId, amount, currency: fc.constantFrom('IRR', 'IRR', 'IRR', 'EUR') }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('refund' as const), at: instant, orderId, amount, currency: fc.constant('IRR') }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('visit' as const), at: instant, orderId, amount, currency: fc.constant('IRR') }) },
    ),
    { maxLength: 25 },
  )
  .map((items) =>
    items.map(({ kind, at, orderId, amount, currency }, i): EarningTouchpoint => {
      if (kind === 'purchase') return purchase(`p${i}`, at, orderId, amount, currency);
      if (kind === 'refund') return refund(`r${i}`, at, orderId, amount, currency);
      return touchpoint(`v${i}`, 'visit', at);
    }),
  );

const permutation = <T>(items: readonly T[]) => fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
const twoArrivalOrders = touchpoints.chain((set) => fc.tuple(permutation(set), permutation(set)));

const lotCounters = (state: LoyaltyAccountState) => Object.fromEntries(state.lots.map((lot) => [lot.lotId, { earned: lot.earned, clawedBack: lot.clawedBack }]));
const received = (set: readonly EarningTouchpoint[]) => stateAfter(set.map((tp) => record(tp)), PROGRAM);

/**
 * The targets of every purchase lot, straight from the definitions: the spend of the window before
 * it, pair by pair; its tier and points; and the claw-back of its order's refunds when it is the
 * first purchase of its order (by earnedAt, then event id).
 */
function expectedLotCounters(set: readonly EarningTouchpoint[]): Record<string, { earned: number; clawedBack: number }> {
  const inCurrency = set.filter((tp) => tp.payload['currency'] === 'IRR');
  const purchases = inCurrency.filter((tp) => tp.type === 'purchase');
  const refunds = inCurrency.filter((tp) => tp.type === 'refund');
  const windowMs = PROGRAM.tierWindowDays * 86_400_000;
  const inWindow = (at: string, t: string) => Date.parse(at) - windowMs <= Date.parse(t) && t < at;
  const sum = (items: readonly EarningTouchpoint[]) => items.reduce((total, tp) => addDecimal(total, tp.payload['amount'] as string), '0');
  const first = (a: EarningTouchpoint, b: EarningTouchpoint) => (a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.eventId < b.eventId) ? a : b);
  const counters: Record<string, { earned: number; clawedBack: number }> = {};
  for (const p of purchases) {
    const net = subtractDecimal(sum(purchases.filter((q) => inWindow(p.occurredAt, q.occurredAt))), sum(refunds.filter((r) => inWindow(p.occurredAt, r.occurredAt))));
    const tier = [...PROGRAM.tiers].reverse().find((t) => compareDecimal(t.from, net) <= 0) ?? PROGRAM.tiers[0];
    const price = p.payload['amount'] as string;
    const earned = Number(floorDecimal(multiplyDecimal(multiplyDecimal(price, PROGRAM.pointsPerUnit), tier.multiplier)));
    const sameOrder = purchases.filter((q) => q.payload['orderId'] === p.payload['orderId']);
    const refunded = sum(refunds.filter((r) => r.payload['orderId'] === p.payload['orderId']));
    const capped = compareDecimal(refunded, price) < 0 ? refunded : price;
    const isOrderLot = sameOrder.reduce(first) === p;
    const clawedBack = isOrderLot && compareDecimal(price, '0') !== 0 ? Number(floorDivideDecimal(multiplyDecimal(String(earned), capped), price)) : 0;
    counters[p.eventId] = { earned, clawedBack };
  }
  for (const visit of set.filter((tp) => tp.type === 'visit')) counters[visit.eventId] = { earned: 7, clawedBack: 0 };
  return counters;
}

/** Commands of every kind, redemptions and expiries at any instant, some keys used twice. */
const commandSequence = fc
  .tuple(
    touchpoints,
    fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 120 }), at: instant, key: fc.integer({ min: 0, max: 15 }) }),
        fc.record({ kind: fc.constant('expire' as const), points: fc.constant(0), at: instant, key: fc.constant(0) }),
      ),
      { maxLength: 15 },
    ),
  )
  .chain(([tps, others]) =>
    permutation<LoyaltyAccountCommand>([
      ...tps.map((tp) => record(tp)),
      ...others.map((o) => (o.kind === 'redeem' ? redeem(o.points, o.at, `k${o.key}`) : expirePoints(o.at))),
    ]),
  );

/** A short expiry, so that expiries and redemptions mix. */
const EXPIRING: LoyaltyProgram = { ...PROGRAM, expiryDays: 12 };

describe('the loyalty account, properties', () => {
  it('earns the same, lot by lot, whatever the order the touchpoints arrive in', () => {
    fc.assert(
      fc.property(twoArrivalOrders, ([first, second]) => {
        const a = received(first);
        const b = received(second);
        expect(lotCounters(a)).toEqual(lotCounters(b));
        expect(a.lifetime.earned - a.lifetime.clawedBack).toBe(b.lifetime.earned - b.lifetime.clawedBack);
        expect(availablePoints(a, NOW)).toBe(availablePoints(b, NOW));
      }),
      RUNS,
    );
  });

  it('ends with the same balance and totals whatever the order, and whenever expiry ran between the touchpoints', () => {
    // Touchpoints in one order with the expiry scheduler running at any instants between them, then in another order without it.
    const withExpiries = twoArrivalOrders.chain(([first, second]) =>
      fc.tuple(fc.constant(first), fc.constant(second), fc.array(fc.tuple(fc.nat({ max: first.length }), instant), { maxLength: 6 })),
    );
    fc.assert(
      fc.property(withExpiries, ([first, second, expiries]) => {
        const interleaved: LoyaltyAccountCommand[] = first.map((tp) => record(tp));
        for (const [index, at] of [...expiries].sort(([a], [b]) => b - a)) interleaved.splice(index, 0, expirePoints(at));
        const end = expirePoints(day(100));
        const a = stateAfter([...interleaved, end], EXPIRING);
        const b = stateAfter([...second.map((tp) => record(tp)), end], EXPIRING);
        expect(availablePoints(a, day(100))).toBe(availablePoints(b, day(100)));
        expect(a.debt).toBe(b.debt);
        expect(a.lifetime).toEqual(b.lifetime);
      }),
      RUNS,
    );
  });

  it('puts every lot on the targets the definitions give for the set of touchpoints', () => {
    fc.assert(
      fc.property(touchpoints, (set) => {
        const state = received(set);
        expect(lotCounters(state)).toEqual(expectedLotCounters(set));
        expect(availablePoints(state, NOW)).toBe(state.lifetime.earned - state.lifetime.clawedBack);
      }),
      RUNS,
    );
  });

  it('earns the same when the touchpoints were split between two accounts that then merged', () => {
    const split = touchpoints.chain((set) => fc.tuple(fc.constant(set), fc.array(fc.boolean(), { minLength: set.length, maxLength: set.length })));
    fc.assert(
      fc.property(split, ([set, toOther]) => {
        const other = stateAfter(set.filter((_, i) => toOther[i]).map((tp) => record(tp, 'c-77')), PROGRAM);
        const merged = stateAfter([{ type: 'AbsorbAccount', data: { customerId: 'c-42', from: 'c-77', account: other } }], PROGRAM, received(set.filter((_, i) => !toOther[i])));
        const together = received(set);
        expect(lotCounters(merged)).toEqual(lotCounters(together));
        expect(availablePoints(merged, NOW)).toBe(availablePoints(together, NOW));
      }),
      RUNS,
    );
  });

  it('keeps earned − clawed back − redeemed − expired equal to the remaining points less the debt, after any commands', () => {
    fc.assert(
      fc.property(commandSequence, (commands) => {
        let state = initialLoyaltyAccount('c-42');
        for (const command of commands) {
          state = decideOrKeep(command, state);
          const { earned, clawedBack, redeemed, expired } = state.lifetime;
          const remaining = state.lots.reduce((sum, lot) => sum + lot.remaining, 0);
          expect(earned - clawedBack - redeemed - expired).toBe(remaining - state.debt);
          expect(state.debt).toBeGreaterThanOrEqual(0);
          for (const lot of state.lots) expect(lot.remaining).toBeGreaterThanOrEqual(0);
        }
      }),
      RUNS,
    );
  });

  it('never spends more than is available, and decides nothing for a command handled again', () => {
    fc.assert(
      fc.property(commandSequence, (commands) => {
        let state = initialLoyaltyAccount('c-42');
        for (const command of commands) {
          const before = state;
          state = decideOrKeep(command, state);
          if (command.type === 'RedeemPoints' && state !== before) {
            const { requestedAt, points } = command.data;
            // What was available after the lots expired by then: the redemption's expiries change nothing else.
            const availableBefore = availablePoints(before, requestedAt);
            expect(availableBefore).toBeGreaterThanOrEqual(points);
            expect(availablePoints(state, requestedAt)).toBe(availableBefore - points);
            expect(availablePoints(state, requestedAt)).toBeGreaterThanOrEqual(0);
          }
          if (command.type !== 'ExpirePoints' && state !== before) expect(decideLoyaltyAccount(command, state, EXPIRING)).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('folds the events it decided back into the same account', () => {
    fc.assert(
      fc.property(commandSequence, (commands) => {
        const decided = commands.filter((command) => command.type !== 'RedeemPoints');
        const { state, events } = handle(decided, EXPIRING);
        expect(events.reduce(evolveLoyaltyAccount, initialLoyaltyAccount('c-42'))).toEqual(state);
      }),
      RUNS,
    );
  });
});

/** The account after `command`, or as it was when the command is refused. */
describe('the loyalty ledger, properties', () => {
  it("adds up to the balance after any commands, and across a merge to the survivor's balance", () => {
    fc.assert(
      fc.property(commandSequence, fc.integer({ min: 0, max: 20 }), (commands, split) => {
        const ledger = (events: readonly LoyaltyAccountEvent[]) => {
          const states = new Map<string, LoyaltyAccountState>();
          return events.reduce((sum, event) => {
            const before = states.get(event.data.customerId) ?? initialLoyaltyAccount(event.data.customerId);
            const after = evolveLoyaltyAccount(before, event);
            states.set(event.data.customerId, after);
            return sum + ledgerEffectOf(event, before, after).points;
          }, 0);
        };
        const run = (customerId: string, list: readonly LoyaltyAccountCommand[]) => {
          let state = initialLoyaltyAccount(customerId);
          const events: LoyaltyAccountEvent[] = [];
          for (const command of list) {
            const decided = decidedOrNone({ ...command, data: { ...command.data, customerId } } as LoyaltyAccountCommand, state);
            events.push(...decided);
            state = decided.reduce(evolveLoyaltyAccount, state);
          }
          return { state, events };
        };
        const merged = run('c-77', commands.slice(0, split));
        const survivor = run('c-42', commands.slice(split));
        expect(ledger(survivor.events)).toBe(balanceOf(survivor.state));

        const closing = decideLoyaltyAccount({ type: 'MergeAccountInto', data: { customerId: 'c-77', into: 'c-42' } }, merged.state, EXPIRING);
        const absorbing = decideLoyaltyAccount({ type: 'AbsorbAccount', data: { customerId: 'c-42', from: 'c-77', account: merged.state } }, survivor.state, EXPIRING);
        const after = absorbing.reduce(evolveLoyaltyAccount, survivor.state);
        expect(ledger([...merged.events, ...closing])).toBe(0);
        expect(ledger([...merged.events, ...closing, ...survivor.events, ...absorbing])).toBe(balanceOf(after));
      }),
      RUNS,
    );
  });
});

function decidedOrNone(command: LoyaltyAccountCommand, state: LoyaltyAccountState): LoyaltyAccountEvent[] {
  try {
    return decideLoyaltyAccount(command, state, EXPIRING);
  } catch (error) {
    if (error instanceof LoyaltyError) return [];
    throw error;
  }
}

function decideOrKeep(command: LoyaltyAccountCommand, state: LoyaltyAccountState): LoyaltyAccountState {
  return decidedOrNone(command, state).reduce(evolveLoyaltyAccount, state);
}
