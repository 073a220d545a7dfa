export * from './lib/customer-feed.contract';
export * from './lib/customer-changes.decider';
export * from './lib/avro/customer-feed.codec';
export * from './lib/feed-subscription';
