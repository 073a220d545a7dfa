export * from './lib/customer.projection';
export * from './lib/customer-queries';
