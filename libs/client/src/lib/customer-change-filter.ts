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

/** As the platform's SSE filter: a segment's changes, and those that take a customer out of it (a move away, a merge, an erasure). */
export function matchesFilter(change: CustomerChange, filter: CustomerChangeFilter | undefined): boolean {
  const { types, segment } = filter ?? {};
  if (types !== undefined && types.length > 0 && !types.includes(change.type)) return false;
  if (segment === undefined || change.state?.rfm?.segment === segment) return true;
  return change.segment?.from === segment || change.type === 'CustomerMerged' || change.type === 'CustomerForgotten';
}
