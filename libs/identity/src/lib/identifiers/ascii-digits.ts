/**
 * Every decimal digit the platform's ICU knows (Persian "۰", Arabic-Indic "٠", full-width "０",
 * Devanagari "०", ...) with its ASCII digit: the same number typed on another keyboard.
 */
const ASCII_DIGIT_OF: ReadonlyMap<string, string> = (() => {
  const digits = new Map<string, string>();
  for (const numberingSystem of Intl.supportedValuesOf('numberingSystem')) {
    const format = new Intl.NumberFormat('en', { numberingSystem, useGrouping: false });
    for (let digit = 0; digit <= 9; digit++) {
      const written = format.format(digit);
      if ([...written].length === 1 && /\p{Nd}/u.test(written)) digits.set(written, String(digit));
    }
  }
  return digits;
})();

/** The text with each decimal digit of any script written as its ASCII digit ("۱۲۳" is "123"). */
export function withAsciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => ASCII_DIGIT_OF.get(digit) ?? digit);
}
