export * from './lib/postgres-event-log';
export { comparePostgresLogOffsets, START as POSTGRES_LOG_START } from './lib/log-offsets';
