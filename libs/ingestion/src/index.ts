export * from './lib/prepare-touchpoints';
export * from './lib/touchpoint-stream';
export * from './lib/validate-sample-lines';
