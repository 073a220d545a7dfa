import { isStorable, trimInvisible, typedText, UNSTORABLE_MESSAGE, withAsciiDigits, type Identifiers } from '@cdp/events';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { IDENTIFIER_PRIORITY, type IdentifierType } from './identifier-types';
import { isPlaceholder, isTypedFiller, standsForNobody } from './placeholder';

export interface NormalizationPolicy {
  /** Where phone numbers written without a country code are from, e.g. "IR". */
  readonly defaultPhoneRegion: CountryCode;
}

export type NormalizedIdentifier = { readonly value: string | null } | { readonly error: string };

/** A domain label: letters, their marks and digits of any script, and hyphens inside ("example", "xn--p1ai", "مثال", "उदाहरण"). */
const LABEL = '[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}-]*(?<!-)';
/** "@", and whatever trimInvisible takes away, before a social handle. */
const LEADING_AT_SIGNS = /^[@\s\p{Cc}\p{Cf}]+/u;
/** The local part as mail systems take it unquoted (RFC 5322's dot-atom): no dot at either end, none twice in a row. */
const LOCAL_PART = '[^\\s@.]+(?:\\.[^\\s@.]+)*';
const EMAIL = new RegExp(`^${LOCAL_PART}@(?:${LABEL}\\.)+${LABEL}$`, 'u');
/** Invisible format characters (a zero-width space, a soft hyphen) that a copy and paste leaves inside an address. */
const FORMAT_CHARACTERS = /\p{Cf}/gu;

/**
 * The most characters an identifier holds once normalised: far more than any real one (an email
 * address holds at most 254), and little enough for the indexes that look identifiers up
 * (Postgres's B-tree keys take at most 2,704 bytes).
 */
export const MAX_IDENTIFIER_LENGTH = 256;

/**
 * One identifier as the platform stores and looks it up: emails trimmed and lower-cased, phones in
 * E.164 (an extension after ";ext="), social handles without "@" and lower-cased, customer ids and loyalty cards with ASCII
 * digits, the rest trimmed, invisible characters at either end included. What people type (all but
 * device ids) is also in one Unicode form, with Persian letter forms (`typedText`). Blank is absent.
 */
export function normalizeIdentifier(type: IdentifierType, raw: string, policy: NormalizationPolicy): NormalizedIdentifier {
  if (!isStorable(raw)) return { error: UNSTORABLE_MESSAGE };
  const normalized = normalizedValue(type, trimInvisible(raw), policy);
  if (!('value' in normalized) || normalized.value === null) return normalized;
  // Last, so that lower-casing cannot leave a second form of the same text.
  const value = currentForm(type, normalized.value);
  // Characters are code points: an emoji is one. A text of no more code units has no more of them.
  const characters = value.length > MAX_IDENTIFIER_LENGTH ? [...value].length : value.length;
  return characters > MAX_IDENTIFIER_LENGTH ? { error: `is ${characters} characters long; an identifier holds at most ${MAX_IDENTIFIER_LENGTH}` } : { value };
}

/** Printable ASCII: already in every form today's rules give (trimmed values hold no control characters at their ends). */
const ASCII = /^[ -~]*$/;

/**
 * A normalised identifier in the form today's rules give it, by the rules that need no setting:
 * one in the log since before a rule (Persian letter forms, ASCII digits) keys the customer that
 * the same value taken in today does, once the projections that key customers are rebuilt.
 * Idempotent; a value normalised today is unchanged.
 */
export function currentForm(type: IdentifierType, value: string): string {
  if (type === 'deviceId' || ASCII.test(value)) return value;
  const typed = typedText(value);
  return type === 'customerId' || type === 'loyaltyCard' ? withAsciiDigits(typed) : typed;
}

function normalizedValue(type: IdentifierType, value: string, policy: NormalizationPolicy): NormalizedIdentifier {
  if (value === '' || standsForNobody(type, value)) return { value: null };
  switch (type) {
    case 'email': {
      // "sara@example.com." names the same mailbox as "sara@example.com": a fully qualified domain's final dot.
      // A "mailto:" link's address, and one with a zero-width space pasted inside, are the address too.
      const lowered = value.toLowerCase().replace(/^mailto:/, '').replace(FORMAT_CHARACTERS, '');
      if (isPlaceholder(lowered)) return { value: lowered };
      const email = lowered.replace(/\.$/, '');
      return EMAIL.test(email) ? { value: email } : { error: 'is not an email address' };
    }
    case 'phone': {
      if (isPlaceholder(value)) return { value };
      const phone = parsePhoneNumberFromString(value, policy.defaultPhoneRegion);
      if (phone !== undefined && isTypedFiller(phone.nationalNumber)) return { value: null };
      // An extension is kept (as RFC 3966 writes it): colleagues behind one switchboard are different people.
      return phone?.isValid()
        ? { value: phone.ext ? `${phone.number};ext=${withAsciiDigits(phone.ext)}` : phone.number }
        : { error: `is not a valid phone number in region ${policy.defaultPhoneRegion}; write it with its country code, e.g. +98 912 123 4567` };
    }
    case 'socialHandle': {
      // "@@Sara" is a handle typed with its "@" twice: normalising again must not change it.
      const handle = value.replace(LEADING_AT_SIGNS, '').toLowerCase();
      return { value: handle === '' ? null : handle };
    }
    case 'customerId':
    case 'loyaltyCard':
      // A card or customer number typed with Persian (or any script's) digits is the same number.
      return { value: withAsciiDigits(value) };
    case 'deviceId':
      return { value };
    default: {
      const unknown: never = type;
      throw new Error(`no normalisation for identifier type ${String(unknown)}`);
    }
  }
}

/** Normalises every identifier; errors are keyed by identifier type. */
export function normalizeIdentifiers(
  identifiers: Identifiers,
  policy: NormalizationPolicy,
): { identifiers: Identifiers; errors: { type: IdentifierType; message: string }[] } {
  const errors: { type: IdentifierType; message: string }[] = [];
  const normalized = Object.fromEntries(
    IDENTIFIER_PRIORITY.map((type) => {
      const raw = identifiers[type];
      if (raw === null) return [type, null];
      const result = normalizeIdentifier(type, raw, policy);
      if ('error' in result) errors.push({ type, message: result.error });
      return [type, 'value' in result ? result.value : null];
    }),
  ) as unknown as Identifiers;
  return { identifiers: normalized, errors };
}

/** The most trustworthy identifier that really identifies someone, as "type:value". */
export function primaryIdentifier(identifiers: Identifiers): string | undefined {
  const type = IDENTIFIER_PRIORITY.find((t) => identifiers[t] !== null && !isPlaceholder(identifiers[t]!));
  return type && `${type}:${identifiers[type]}`;
}
