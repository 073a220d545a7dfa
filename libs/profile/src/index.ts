export * from './lib/profile/customer-profile';
export * from './lib/profile/profile.events';
export * from './lib/profile/profile.errors';
export * from './lib/profile/profile.projection';
export * from './lib/profile/merge-profiles';
export * from './lib/profile/visible-profile';
export * from './lib/profile/touchpoint-channel';
export { consentOfTouchpoint, importantDatesOfTouchpoint, saidAt, withdrawsConsent } from './lib/profile/event-content';
