/** Arabic letters a keyboard or a copy-paste gives where Persian text has its own forms: ي and ى for ی, ك for ک. */
const ARABIC_FORMS = /[\u064A\u0649\u0643]/g;
const PERSIAN_FORM: Readonly<Record<string, string>> = { '\u064A': '\u06CC', '\u0649': '\u06CC', '\u0643': '\u06A9' };

/**
 * Text a person typed, in one form: Unicode's composed form (NFC, so "é" typed as e and an accent
 * is "é"), and the Persian forms of the letters Arabic keyboards write otherwise ("علي" is "علی").
 * Iranian sources mix both keyboards; to a reader the two are the same letter.
 */
export function typedText(text: string): string {
  return text.normalize('NFC').replace(ARABIC_FORMS, (letter) => PERSIAN_FORM[letter]);
}
