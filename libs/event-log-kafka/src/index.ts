export * from './lib/accepted-event-ids.port';
export * from './lib/postgres-accepted-event-ids';
export * from './lib/kafka-event-log';
export * from './lib/kafka-event-log.errors';
export * from './lib/idempotent-producer';
export * from './lib/partition-retry';
export * from './lib/create-topics';
export * from './lib/consumer-timing';
