export * from './lib/intake-topics';
export * from './lib/classify-intake-message';
export * from './lib/dead-letter-message';
export * from './lib/append-accepted';
export * from './lib/run-touchpoint-intake';
export * from './lib/read-topic-to-end';
export * from './lib/replay-dead-letters';
