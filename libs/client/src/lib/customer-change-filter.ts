import type { CustomerChange, CustomerChangeType } from '@cdp/feed';
import type { CustomerChangeFilter } from './customer-subscription';

/** The compiler keeps it in step with CUSTOMER_CHANGE_TYPES, without importing the contract at run time. */
const KNOWN_TYPES: Readonly<Record<CustomerChangeType, true>> = {
  CustomerCreated: true,
  ProfileChanged: true,
  CustomerMerged: true,
  CustomerSegmentChanged: true,
  LoyaltyTierChanged: true,
  CustomerForgotten: true,
};

/** Whether this version of the client knows the type: changes of newer types are skipped, not handed over mistyped. */
export function isKnownChangeType(type: string): type is CustomerChangeType {
  return Object.hasOwn(KNOWN_TYPES, type);
}

export function matchesFilter(change: CustomerChange, filter: CustomerChangeFilter | undefined): boolean {
  const { types, segment } = filter ?? {};
  if (types !== undefined && types.length > 0 && !types.includes(change.type)) return false;
  return segment === undefined || change.state?.rfm?.segment === segment;
}
