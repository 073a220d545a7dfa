export * from './lib/projection.port';
export * from './lib/projection-tables';
export * from './lib/checkpoints';
export * from './lib/dead-letters';
export * from './lib/apply-batch';
export * from './lib/projection-runner';
export * from './lib/retry-dead-letters';
export * from './lib/rebuild-projection';
