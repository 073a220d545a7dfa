export * from './lib/customer-feed-tables';
export * from './lib/mark-customers-changed';
export * from './lib/customer-feed-sources.port';
export * from './lib/customer-feed.stream';
export * from './lib/customer-feed-builder';
export * from './lib/run-customer-feed-builder';
export * from './lib/kafka/customer-feed-topics';
export * from './lib/kafka/customer-feed-kafka.projection';
