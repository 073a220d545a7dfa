export * from './lib/port/event-log.port';
export * from './lib/port/event-log.errors';
export * from './lib/port/event-codec.port';
export * from './lib/port/open-subscriptions';
export * from './lib/port/deterministic-event-id';
export * from './lib/port/interruptible-pause';
