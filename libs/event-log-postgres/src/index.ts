export * from './lib/postgres-event-log';
export { comparePostgresLogOffsets } from './lib/log-offsets';
