import type { Identifiers } from '@cdp/events';
import { IDENTIFIER_PRIORITY, type IdentifierType } from '../identifiers/identifier-types';
import { currentForm } from '../identifiers/normalize-identifiers';
import { isPlaceholder } from '../identifiers/placeholder';

/** An identifier as the identity graph holds it: "type:value", e.g. "email:a@b.co". */
export type IdentifierKey = string;

export function identifierKey(type: IdentifierType, value: string): IdentifierKey {
  return `${type}:${value}`;
}

/** The type part of a key; values may hold ":" themselves, types never do. */
export function identifierTypeOf(key: IdentifierKey): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(0, colon);
}

/**
 * The keys of a touchpoint's (normalised) identifiers that may link it to a customer, from the most
 * to the least trustworthy (`IDENTIFIER_PRIORITY`), in today's form (`currentForm`: touchpoints
 * taken in under earlier rules key the same customers once rebuilt). Absent values and
 * placeholders are left out: they never link anything.
 */
export function identifierKeysOf(identifiers: Identifiers): IdentifierKey[] {
  return IDENTIFIER_PRIORITY.flatMap((type) => {
    const value = identifiers[type];
    if (value === null) return [];
    // Placeholder in today's form too: "0\u200c0" taken in before invisible characters were dropped is "00" now.
    const current = currentForm(type, value);
    return isPlaceholder(value) || isPlaceholder(current) ? [] : [identifierKey(type, current)];
  });
}
