import { trimInvisible, withAsciiDigits } from '@cdp/events';
import type { IdentifierType } from './identifier-types';

/** Zeros, at least one, with any separators between them ("000-000", "0.0"); in any script's digits, once they are ASCII. */
const ZEROS_AND_SEPARATORS = /^[-\s.]*0[-\s.0]*$/;

const PLACEHOLDERS = new Set(['', 'null', 'undefined', 'anonymous', 'unknown', 'none', 'n/a', '0', '-1', '[object object]', 'nan']);

/** A letter or a digit of any script: a value without one ("-", "?", "***") names nobody. */
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Dashes and minus signs of any kind ("−1" with U+2212, "–1"), read as "-". */
const DASHES = /[\p{Pd}\u2212]/gu;

/**
 * Values that sources send when they do not know who it was. They never identify anyone, so they
 * never link two touchpoints to one customer. The log's touchpoints are keyed by this rule each
 * time they are projected: a value added to it would part, in a rebuild only, the customers it
 * joined live. Values found since to stand for nobody are dropped as touchpoints come in instead
 * (`standsForNobody`).
 */
export function isPlaceholder(value: string): boolean {
  const v = comparable(value);
  return PLACEHOLDERS.has(v) || ZEROS_AND_SEPARATORS.test(v) || !LETTER_OR_DIGIT.test(v);
}

/**
 * Words that forms, tills and CRMs fill a field with when they must and do not know: PostHog's ids
 * it never merges on ("guest", "not_authenticated", "true", ...), and Persian and Arabic for "none"
 * or "unknown" ("ندارد": has none).
 */
const NOBODY_WORDS = new Set([
  'guest', 'not_authenticated', 'distinct_id', 'distinctid', 'true', 'false', 'no email', 'noemail', 'no-email', 'not available',
  'ندارد', 'ندارم', 'نامشخص', 'نامعلوم', 'ناشناس', 'ناشناخته', 'هیچ', 'لا يوجد', 'لا یوجد', 'غير معروف', 'غیر معروف',
]);

/** Zeros with brackets and a plus among the separators, as a phone field is filled: "(000) 000-0000", "+000". */
const BRACKETED_ZEROS = /^[-\s.()+]*0[-\s.()0]*$/;

/** An address made of such words on both sides of its "@", at a domain of two labels: "noemail@noemail.com", "test@test.com". */
const NOBODY_MAILBOXES = new Set(['noemail', 'no-email', 'no_email', 'none', 'unknown', 'test', 'email', 'null', 'na', 'guest', 'anonymous', 'example']);
const MAILBOX = /^([^@]+)@([^.@]+)\.[^.@]+$/;

/**
 * A phone's national number (without its country code, which would make "+98 76 5432 1098" a run)
 * of 7 or more digits all one digit, or a run up or down: what a till clerk types for no number
 * ("1234567890", "2222222").
 */
export function isTypedFiller(nationalNumber: string): boolean {
  return nationalNumber.length >= 7 && (/^(\d)\1+$/.test(nationalNumber) || ['01234567890', '9876543210'].some((run) => run.includes(nationalNumber)));
}

/**
 * Whether a value that `isPlaceholder` takes for real stands for nobody all the same; such values
 * are dropped where a touchpoint comes in, so that no touchpoint in the log keys anyone by them.
 */
export function standsForNobody(type: IdentifierType, value: string): boolean {
  const v = comparable(value);
  if (NOBODY_WORDS.has(v)) return true;
  if (type === 'email') {
    const [, local, domain] = MAILBOX.exec(v.replace(/^mailto:/, '')) ?? [];
    return local !== undefined && NOBODY_MAILBOXES.has(local) && NOBODY_MAILBOXES.has(domain);
  }
  return type === 'phone' && BRACKETED_ZEROS.test(v);
}

/** Trimmed, lower-cased, with ASCII digits and dashes where the value is not ASCII already. */
function comparable(value: string): string {
  const trimmed = trimInvisible(value).toLowerCase();
  return /^[\x20-\x7e]*$/.test(trimmed) ? trimmed : withAsciiDigits(trimmed).replace(DASHES, '-');
}
