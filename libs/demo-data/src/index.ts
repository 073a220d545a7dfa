export * from './lib/demo-touchpoint';
export * from './lib/generate-demo-touchpoints';
export { demoCustomer, SHOWCASE_CUSTOMER_INDEX, type DemoCustomer, type Segment } from './lib/customers/demo-customer';
export type { Business } from './lib/catalogue/demo-catalogue';
export type { DemoWindow } from './lib/journeys/customer-journey';
export { seededRandom, type Random } from './lib/random/seeded-random';
