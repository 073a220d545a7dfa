/** Injection tokens of the ports apps work with (libs use no DI). */
export const SETTINGS = Symbol('SETTINGS');
export const CLOCK = Symbol('CLOCK');
export const SCHEMA_CATALOG = Symbol('SCHEMA_CATALOG');
export const TOUCHPOINT_LOG = Symbol('TOUCHPOINT_LOG');
export const SQL = Symbol('SQL');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const ANALYTICS = Symbol('ANALYTICS');
export const CUSTOMER_FEED_LOG = Symbol('CUSTOMER_FEED_LOG');
