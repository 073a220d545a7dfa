export * from './lib/loyalty-account-stream';
export * from './lib/loyalty-accounts';
export * from './lib/loyalty-earning.projection';
export * from './lib/loyalty.projection';
export * from './lib/loyalty-queries';
export * from './lib/expire-points';
export { listFailedCommands, type FailedCommand } from './lib/loyalty-command-outbox';
