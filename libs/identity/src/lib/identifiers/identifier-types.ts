import type { Identifiers } from '@cdp/events';

export type IdentifierType = keyof Identifiers;

/** Identifier types from the most to the least trustworthy; the first one present names the customer. */
export const IDENTIFIER_PRIORITY: readonly IdentifierType[] = ['customerId', 'loyaltyCard', 'email', 'phone', 'socialHandle', 'deviceId'];

export function isIdentifierType(value: string): value is IdentifierType {
  return (IDENTIFIER_PRIORITY as readonly string[]).includes(value);
}
