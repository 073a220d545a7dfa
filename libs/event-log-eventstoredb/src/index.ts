export * from './lib/eventstoredb-event-log';
