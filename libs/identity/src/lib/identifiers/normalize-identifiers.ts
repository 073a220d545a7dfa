import { isStorable, trimInvisible, typedText, UNSTORABLE_MESSAGE, withAsciiDigits, withoutFormatCharacters, type Identifiers } from '@cdp/events';
import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js';
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
/**
 * The local part as mail systems take it unquoted (RFC 5322's dot-atom, with RFC 6531's letters of
 * any script): no dot at either end, none twice in a row, and none of the specials that only a
 * quoted local part may hold (`sara,ahmadi@…` is two addresses' worth of typo, not one address),
 * in the full-width and Arabic forms a Persian keyboard types too (`，`, `،`, `؛`).
 */
const ATOM = '[^\\s@.,;:<>()\\[\\]\\\\"，،؛]+';
const LOCAL_PART = `${ATOM}(?:\\.${ATOM})*`;
const EMAIL = new RegExp(`^${LOCAL_PART}@(?:${LABEL}\\.)+${LABEL}$`, 'u');
/** "داخلی" (Persian for "extension"; with the Arabic ي too, and a colon after it or not), written where English writes "ext.". */
const PERSIAN_EXTENSION = /\s*داخل[\u06CC\u064A]\s*[:：]?\s*/u;

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
  if (type === 'customerId' || type === 'loyaltyCard') return withAsciiDigits(withoutFormatCharacters(typed));
  // No mail system takes a local part of Persian digits for another than ASCII's: a Persian keyboard typed it.
  if (type === 'email') return typed.replace(/^[^@]*/, withAsciiDigits);
  return typed;
}

function normalizedValue(type: IdentifierType, value: string, policy: NormalizationPolicy): NormalizedIdentifier {
  if (value === '' || standsForNobody(type, value)) return { value: null };
  switch (type) {
    case 'email': {
      // "sara@example.com." names the same mailbox as "sara@example.com": a fully qualified domain's final dot.
      // A "mailto:" link's address, and one with a zero-width space pasted inside, are the address too.
      const lowered = withoutFormatCharacters(value.toLowerCase().replace(/^mailto:/, ''));
      if (isPlaceholder(lowered)) return { value: lowered };
      const email = lowered.replace(/\.$/, '');
      return EMAIL.test(email) ? { value: email } : { error: 'is not an email address' };
    }
    case 'phone': {
      if (isPlaceholder(value)) return { value };
      // Right-to-left marks and joiners that a copy from a Persian app leaves between the digits.
      const typed = withoutFormatCharacters(value).replace(PERSIAN_EXTENSION, ' ext. ');
      const phone = parsePhoneNumberFromString(typed, policy.defaultPhoneRegion);
      if (phone !== undefined && isTypedFiller(phone.nationalNumber)) return { value: null };
      // An extension is kept (as RFC 3966 writes it): colleagues behind one switchboard are different people.
      return phone?.isValid()
        ? { value: phone.ext ? `${phone.number};ext=${withAsciiDigits(phone.ext)}` : phone.number }
        : { error: phoneProblem(typed, policy.defaultPhoneRegion) };
    }
    case 'socialHandle': {
      // "@@Sara" is a handle typed with its "@" twice: normalising again must not change it.
      const handle = value.replace(LEADING_AT_SIGNS, '').toLowerCase();
      return { value: handle === '' ? null : handle };
    }
    case 'customerId':
    case 'loyaltyCard':
      // A card or customer number typed with Persian (or any script's) digits, or pasted with a joiner inside, is the same number.
      return { value: withAsciiDigits(withoutFormatCharacters(value)) };
    case 'deviceId':
      return { value };
    default: {
      const unknown: never = type;
      throw new Error(`no normalisation for identifier type ${String(unknown)}`);
    }
  }
}

/** Why a phone number is not one, as precisely as its digits tell. */
function phoneProblem(typed: string, region: CountryCode): string {
  const coded = /^\s*(?:\+|00)/.test(withAsciiDigits(typed));
  const where = coded ? 'of the country its code names' : `in region ${region}`;
  switch (validatePhoneNumberLength(typed, region)) {
    case 'TOO_SHORT':
      return `has too few digits for a phone number ${where}`;
    case 'TOO_LONG':
      return `has too many digits for a phone number ${where}`;
    default:
      return coded
        ? 'is not a valid phone number of the country its code names: check its digits'
        : `is not a valid phone number in region ${region}: check its digits; a landline needs its area code, a number of another country its country code (e.g. +44 20 7946 0958)`;
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
