import { instantMillis, MS_PER_DAY } from '@cdp/events';
import { addDecimal, isAmount, subtractDecimal } from '@cdp/money';
import { InvalidRfmMeasuresError, InvalidRfmParametersError } from './rfm.errors';
import type { RfmParameters } from './rfm-parameters';

/**
 * What the aggregation computes for each customer of the population at asOf (the customers with a
 * purchase at or before it): days since the last purchase, purchases in the window, and purchases
 * minus refunds in the window.
 */
export interface RfmMeasures {
  readonly customerId: string;
  readonly recencyDays: number;
  readonly frequency: number;
  /** A decimal string (exact, may be zero or negative), never a JS number. */
  readonly monetary: string;
}

/** A purchase or refund of a resolved customer, as the aggregation reads it. */
export interface RfmTransaction {
  readonly customerId: string;
  readonly type: 'purchase' | 'refund';
  /** An ISO 8601 instant with a zone. */
  readonly occurredAt: string;
  /** A non-negative decimal string; a refund's amount is subtracted. */
  readonly amount: string;
}

/**
 * Whole days from the last purchase to asOf, rounded down: elapsed 24-hour periods. Not the
 * calendar-day boundaries crossed (ClickHouse's `dateDiff('day', ...)`): 23:00 to 01:00 is 0 days.
 */
export function recencyDays(lastPurchaseAt: string, asOf: string): number {
  const last = instantMillis(lastPurchaseAt);
  const end = instantMillis(asOf);
  if (last === undefined || end === undefined || last > end) throw new InvalidRfmMeasuresError(`the last purchase (${lastPurchaseAt}) must be an instant at or before asOf (${asOf})`);
  return Math.floor((end - last) / MS_PER_DAY);
}

/**
 * The measures by their definition, one customer of the population each, sorted by customer id.
 * The production aggregation runs in SQL; this is the reference its results must equal.
 */
export function measureRfm(transactions: readonly RfmTransaction[], { asOf, windowDays }: RfmParameters): RfmMeasures[] {
  const end = instantMillis(asOf);
  if (end === undefined) throw new InvalidRfmParametersError('asOf', `asOf must be an ISO-8601 instant with a zone, not ${JSON.stringify(asOf)}`);
  const start = windowDays === 'all' ? -Infinity : end - windowDays * MS_PER_DAY;
  const customers = new Map<string, { lastPurchase: number | null; frequency: number; monetary: string }>();
  transactions.forEach(({ customerId, type, occurredAt, amount }, i) => {
    const at = instantMillis(occurredAt);
    if (at === undefined) throw new InvalidRfmMeasuresError(`transactions[${i}].occurredAt must be an ISO-8601 instant with a zone, not ${JSON.stringify(occurredAt)}`);
    if (!isAmount(amount)) throw new InvalidRfmMeasuresError(`transactions[${i}].amount must be a non-negative decimal string, not ${JSON.stringify(amount)}`);
    if (at > end) return;
    const customer = customers.get(customerId) ?? { lastPurchase: null, frequency: 0, monetary: '0' };
    customers.set(customerId, customer);
    const inWindow = at > start;
    switch (type) {
      case 'purchase':
        customer.lastPurchase = Math.max(customer.lastPurchase ?? at, at);
        if (inWindow) {
          customer.frequency += 1;
          customer.monetary = addDecimal(customer.monetary, amount);
        }
        return;
      case 'refund':
        if (inWindow) customer.monetary = subtractDecimal(customer.monetary, amount);
        return;
      default: {
        const unknown: never = type;
        throw new InvalidRfmMeasuresError(`transactions[${i}].type must be purchase or refund, not ${String(unknown)}`);
      }
    }
  });
  return [...customers]
    .filter(([, customer]) => customer.lastPurchase !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([customerId, { lastPurchase, frequency, monetary }]) => ({ customerId, recencyDays: Math.floor((end - lastPurchase!) / MS_PER_DAY), frequency, monetary }));
}
