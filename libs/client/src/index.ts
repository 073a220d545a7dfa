export { subscribeCustomers } from './lib/subscribe-customers';
export {
  ChangeHandlerError,
  CustomerFeedError,
  type ChangeContext,
  type CustomerChangeFilter,
  type CustomerChangeHandler,
  type CustomerSubscription,
  type SseSubscribeOptions,
  type SseTransport,
} from './lib/customer-subscription';
export { createCdpClient, type CallOptions, type CdpClient, type CdpClientOptions } from './lib/api/cdp-client';
export type * from './lib/api/cdp-api.types';
export { CdpApiError } from './lib/http/cdp-api-error';
export type { CustomerChange, CustomerChangeType, CustomerFeedState, FeedLoyaltySummary, FeedRfmStanding } from '@cdp/feed';
