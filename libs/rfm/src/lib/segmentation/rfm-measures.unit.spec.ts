import fc from 'fast-check';
import { measureRfm, recencyDays, type RfmTransaction } from './rfm-measures';
import type { RfmParameters } from './rfm-parameters';
import { errorOf } from '../testing/error-of';

const AS_OF = '2026-11-20T10:00:00.000Z';
const WEEK: RfmParameters = { asOf: AS_OF, windowDays: 7 };

const purchase = (customerId: string, occurredAt: string, amount: string): RfmTransaction => ({ customerId, type: 'purchase', occurredAt, amount });
const refund = (customerId: string, occurredAt: string, amount: string): RfmTransaction => ({ customerId, type: 'refund', occurredAt, amount });

describe('RFM measures, by their definition', () => {
  describe('recency', () => {
    it.each([
      ['at asOf', AS_OF, 0],
      ['23:59:59.999 before', '2026-11-19T10:00:00.001Z', 0],
      ['exactly a day before', '2026-11-19T10:00:00.000Z', 1],
      ['a day and 23 hours before', '2026-11-18T11:00:00.000Z', 1],
      ['the evening before: across midnight, but under 24 hours', '2026-11-20T02:30:00+03:30', 0],
      ['a year before', '2025-11-20T10:00:00.000Z', 365],
    ])('is whole days, rounded down, from a last purchase %s', (_what, lastPurchaseAt, days) => {
      expect(recencyDays(lastPurchaseAt, AS_OF)).toBe(days);
    });

    it('refuses a last purchase after asOf', () => {
      expect(errorOf(() => recencyDays('2026-11-20T10:00:00.001Z', AS_OF))).toMatchObject({ code: 'RFM.INVALID_MEASURES' });
    });

    it('counts purchases before the window', () => {
      expect(measureRfm([purchase('c1', '2020-01-01T10:00:00Z', '5')], WEEK)).toEqual([{ customerId: 'c1', recencyDays: 2515, frequency: 0, monetary: '0' }]);
    });

    it('is the latest purchase, whatever order they come in', () => {
      const transactions = [purchase('c1', '2026-11-15T10:00:00Z', '5'), purchase('c1', '2026-11-18T10:00:00Z', '5'), purchase('c1', '2026-11-16T10:00:00Z', '5')];
      expect(measureRfm(transactions, WEEK)[0].recencyDays).toBe(2);
    });
  });

  describe('the population', () => {
    it('is the customers with a purchase at or before asOf', () => {
      const transactions = [purchase('at', AS_OF, '1'), purchase('later', '2026-11-20T10:00:00.001Z', '1'), refund('refund-only', '2026-11-19T00:00:00Z', '1')];
      expect(measureRfm(transactions, WEEK).map((m) => m.customerId)).toEqual(['at']);
    });

    it('is sorted by customer id', () => {
      const transactions = ['c3', 'c1', 'c2'].map((id) => purchase(id, AS_OF, '1'));
      expect(measureRfm(transactions, WEEK).map((m) => m.customerId)).toEqual(['c1', 'c2', 'c3']);
    });
  });

  describe('frequency and monetary', () => {
    it('count purchases and refunds in (asOf − windowDays, asOf]: the start is out, asOf is in', () => {
      const transactions = [
        purchase('c1', '2026-11-13T10:00:00.000Z', '1000'),
        purchase('c1', '2026-11-13T10:00:00.001Z', '10.50'),
        purchase('c1', AS_OF, '0.25'),
        purchase('c1', '2026-11-20T10:00:00.001Z', '1000'),
        refund('c1', '2026-11-13T10:00:00.000Z', '1000'),
        refund('c1', '2026-11-20T10:00:00.001Z', '1000'),
      ];
      expect(measureRfm(transactions, WEEK)).toEqual([{ customerId: 'c1', recencyDays: 0, frequency: 2, monetary: '10.75' }]);
    });

    it('subtract refunds in the window, down to zero or below', () => {
      const transactions = [purchase('zero', '2026-11-19T00:00:00Z', '20.00'), refund('zero', '2026-11-19T01:00:00Z', '20'), purchase('neg', '2026-01-01T00:00:00Z', '50'), refund('neg', '2026-11-19T00:00:00Z', '30')];
      expect(measureRfm(transactions, WEEK)).toEqual([
        { customerId: 'neg', recencyDays: 323, frequency: 0, monetary: '-30' },
        { customerId: 'zero', recencyDays: 1, frequency: 1, monetary: '0.00' },
      ]);
    });

    it('sum exactly: 0.1 + 0.2 is 0.3', () => {
      expect(measureRfm([purchase('c1', AS_OF, '0.1'), purchase('c1', AS_OF, '0.2')], WEEK)[0].monetary).toBe('0.3');
    });

    it("have no lower bound for 'all'", () => {
      const transactions = [purchase('c1', '1990-01-01T00:00:00Z', '1'), purchase('c1', AS_OF, '2'), refund('c1', '1991-01-01T00:00:00Z', '0.5')];
      expect(measureRfm(transactions, { asOf: AS_OF, windowDays: 'all' })[0]).toMatchObject({ frequency: 2, monetary: '2.5' });
    });
  });

  it('do not depend on the order of the transactions', () => {
    const instant = fc.integer({ min: -20, max: 2 }).map((hours) => new Date(Date.parse(AS_OF) + hours * 3_600_000 * 12).toISOString());
    const transaction = fc.record({ customerId: fc.constantFrom('a', 'b', 'c'), type: fc.constantFrom('purchase' as const, 'refund' as const), occurredAt: instant, amount: fc.constantFrom('1', '2.5', '0.10') });
    const withPermutation = fc.array(transaction, { maxLength: 30 }).chain((ts) => fc.tuple(fc.constant(ts), fc.shuffledSubarray(ts, { minLength: ts.length, maxLength: ts.length })));
    fc.assert(
      fc.property(withPermutation, ([transactions, shuffled]) => {
        expect(measureRfm(shuffled, WEEK)).toEqual(measureRfm(transactions, WEEK));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['an occurredAt without a zone', purchase('c1', '2026-11-20T10:00:00', '1'), 'transactions[0].occurredAt must be an ISO-8601 instant with a zone, not "2026-11-20T10:00:00"'],
    ['a negative amount', refund('c1', AS_OF, '-1'), 'transactions[0].amount must be a non-negative decimal string, not "-1"'],
  ])('refuses %s', (_what, transaction, message) => {
    expect(errorOf(() => measureRfm([transaction], WEEK))).toMatchObject({ code: 'RFM.INVALID_MEASURES', message });
  });
});
