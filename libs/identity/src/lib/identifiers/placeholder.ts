import { trimInvisible } from '@cdp/events';
import { withAsciiDigits } from './ascii-digits';

/** Zeros, at least one, with any separators between them ("000-000", "0.0"); in any script's digits, once they are ASCII. */
const ZEROS_AND_SEPARATORS = /^[-\s.]*0[-\s.0]*$/;

const PLACEHOLDERS = new Set(['', 'null', 'undefined', 'anonymous', 'unknown', 'none', 'n/a', '0', '-1', '[object object]', 'nan']);

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
  return PLACEHOLDERS.has(v) || ZEROS_AND_SEPARATORS.test(v) || !LETTER_OR_DIGIT.test(v);
}
