import { addDecimal, isAmount, subtractDecimal } from './decimal';
import { MoneyError } from './money.errors';

/**
 * Amounts by ISO 4217 currency code: { "IRR": "300000", "USD": "12.50" }. Amounts in different
 * currencies are never added together. The functions here return a new map whose keys are in
 * sorted order, so two maps with the same content serialise to the same JSON.
 */
export type MoneyByCurrency = Readonly<Record<string, string>>;

const CURRENCY = /^[A-Z]{3}$/;

/** Whether `value` has the shape of an ISO 4217 currency code: three upper-case letters. */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && CURRENCY.test(value);
}

/** The amount held in `currency`, or undefined when the map holds none. */
export function amountIn(money: MoneyByCurrency, currency: string): string | undefined {
  return Object.hasOwn(money, currency) ? money[currency] : undefined;
}

/** `money` with `amount` (a non-negative decimal) added to its `currency`. */
export function addMoney(money: MoneyByCurrency, currency: string, amount: string): MoneyByCurrency {
  if (!isCurrencyCode(currency)) throw new MoneyError('MONEY.INVALID_CURRENCY', `${JSON.stringify(currency)} is not an ISO 4217 currency code such as "IRR"`);
  if (!isAmount(amount)) throw new MoneyError('MONEY.INVALID_DECIMAL', `${JSON.stringify(amount)} is not a non-negative decimal string such as "300000" or "12.50"`);
  const held = amountIn(money, currency);
  return sortedMoney({ ...money, [currency]: held === undefined ? addDecimal('0', amount) : addDecimal(held, amount) });
}

/** a + b, currency by currency, over the currencies of both. */
export function sumMoney(a: MoneyByCurrency, b: MoneyByCurrency): MoneyByCurrency {
  return combine(a, b, addDecimal);
}

/** a − b, currency by currency, over the currencies of both; an amount may go negative. */
export function subtractMoney(a: MoneyByCurrency, b: MoneyByCurrency): MoneyByCurrency {
  return combine(a, b, subtractDecimal);
}

function combine(a: MoneyByCurrency, b: MoneyByCurrency, op: (x: string, y: string) => string): MoneyByCurrency {
  const currencies = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return sortedMoney(Object.fromEntries(currencies.map((c) => [c, op(amountIn(a, c) ?? '0', amountIn(b, c) ?? '0')])));
}

function sortedMoney(money: MoneyByCurrency): MoneyByCurrency {
  return Object.fromEntries(Object.entries(money).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
