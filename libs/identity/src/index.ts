export * from './lib/identifiers/identifier-types';
export * from './lib/identifiers/placeholder';
export * from './lib/identifiers/normalize-identifiers';
