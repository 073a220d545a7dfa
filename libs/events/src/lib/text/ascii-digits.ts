/**
 * Every decimal digit the platform's ICU knows (Persian "۰", Arabic-Indic "٠", full-width "０",
 * Devanagari "०", ...) with its ASCII digit: the same number typed on another keyboard.
 */
let asciiDigitOf: ReadonlyMap<string, string> | undefined;

/** Built on first use, not at import: most values, and every CLI start, need none of it. */
function digitMap(): ReadonlyMap<string, string> {
  if (asciiDigitOf !== undefined) return asciiDigitOf;
  const digits = new Map<string, string>();
  for (const numberingSystem of Intl.supportedValuesOf('numberingSystem')) {
    const format = new Intl.NumberFormat('en', { numberingSystem, useGrouping: false });
    for (let digit = 0; digit <= 9; digit++) {
      const written = format.format(digit);
      if ([...written].length === 1 && /\p{Nd}/u.test(written)) digits.set(written, String(digit));
    }
  }
  asciiDigitOf = digits;
  return digits;
}

/** The text with each decimal digit of any script written as its ASCII digit ("۱۲۳" is "123"). */
export function withAsciiDigits(text: string): string {
  return text.replace(/[^\p{ASCII}]/gu, (char) => (/\p{Nd}/u.test(char) ? (digitMap().get(char) ?? char) : char));
}

/** Whether the text holds a decimal digit of another script than ASCII's 0-9. */
export function hasOtherDigits(text: string): boolean {
  return /(?![0-9])\p{Nd}/u.test(text);
}
