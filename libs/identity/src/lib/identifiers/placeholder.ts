import { trimInvisible } from '@cdp/events';
import { withAsciiDigits } from './ascii-digits';

/** Zeros, at least one, with any separators between them ("000-000", "0.0", "(000) 000-0000"); in any script's digits, once they are ASCII. */
const ZEROS_AND_SEPARATORS = /^[-\s.()+]*0[-\s.()0]*$/;

/**
 * Words that stand for no value, as forms, tills and CRMs fill a field they must: the programming
 * languages' empties, PostHog's list of ids it never merges on ("guest", "not_authenticated",
 * "true", ...) and Persian and Arabic for "none" or "unknown" ("ندارد": has none).
 */
const PLACEHOLDERS = new Set([
  '', 'null', 'undefined', 'anonymous', 'unknown', 'none', 'n/a', '0', '-1', '[object object]', 'nan',
  'guest', 'not_authenticated', 'distinct_id', 'distinctid', 'true', 'false', 'no email', 'noemail', 'no-email', 'not available',
  'ندارد', 'ندارم', 'نامشخص', 'نامعلوم', 'ناشناس', 'ناشناخته', 'هیچ', 'لا يوجد', 'لا یوجد', 'غير معروف', 'غیر معروف',
]);

/** Words that, on both sides of an email's "@", make up an address nobody reads ("noemail@noemail.com", "test@test.com"). */
const PLACEHOLDER_MAILBOXES = new Set(['noemail', 'no-email', 'no_email', 'none', 'unknown', 'test', 'email', 'null', 'na', 'guest', 'anonymous', 'example']);
const MAILBOX = /^([^@]+)@([^.@]+)\.[^@]+$/;

/** A letter or a digit of any script: a value without one ("-", "?", "***") names nobody. */
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Dashes and minus signs of any kind ("−1" with U+2212, "–1"), read as "-". */
const DASHES = /[\p{Pd}\u2212]/gu;

/**
 * Values that sources send when they do not know who it was. They never identify anyone, so they
 * never link two touchpoints to one customer.
 */
export function isPlaceholder(value: string): boolean {
  const trimmed = trimInvisible(value).toLowerCase();
  const v = /^[\x20-\x7e]*$/.test(trimmed) ? trimmed : withAsciiDigits(trimmed).replace(DASHES, '-');
  return PLACEHOLDERS.has(v) || ZEROS_AND_SEPARATORS.test(v) || !LETTER_OR_DIGIT.test(v) || isPlaceholderMailbox(v);
}

function isPlaceholderMailbox(value: string): boolean {
  const [, local, domain] = MAILBOX.exec(value) ?? [];
  return local !== undefined && PLACEHOLDER_MAILBOXES.has(local) && PLACEHOLDER_MAILBOXES.has(domain);
}
