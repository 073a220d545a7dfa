export * from './lib/customer-schema';
export * from './lib/customer.projection';
export * from './lib/customer-queries';
export * from './lib/typeorm/customer-data-source';
export { loadProfiles, survivorsOf } from './lib/profile-store';
