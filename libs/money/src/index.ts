export * from './lib/amount-limits';
export * from './lib/decimal';
export * from './lib/money-by-currency';
export * from './lib/money.errors';
