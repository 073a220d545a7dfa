export * from './lib/prepare-touchpoints';
export * from './lib/touchpoint-stream';
