export * from './lib/postgres-event-log';
