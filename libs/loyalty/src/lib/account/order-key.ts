import { trimInvisible, typedText, withAsciiDigits, withoutFormatCharacters } from '@cdp/events';

/** Printable ASCII with nothing to trim at either end: already its own key. */
const PLAIN = /^[!-~](?:[ -~]*[!-~])?$/;

/**
 * An order id as loyalty matches a refund to its purchase: the same order typed on another
 * keyboard or pasted from another app is the same order ("ت-۱۲" and "ت-12", an id with a
 * zero-width non-joiner or a right-to-left mark inside). Digits of any script are ASCII, Arabic
 * letter forms are written as their Persian twins (ي as ی), and invisible characters go; case and punctuation
 * stay, since sources tell orders apart by them.
 */
export function orderKey(orderId: string): string {
  if (PLAIN.test(orderId)) return orderId;
  return withAsciiDigits(typedText(withoutFormatCharacters(trimInvisible(orderId))));
}
