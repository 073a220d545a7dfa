/** Whitespace, control characters and invisible format characters (a zero-width space, a byte-order mark). */
const EDGE_NOISE = /^[\s\p{Cc}\p{Cf}]+|[\s\p{Cc}\p{Cf}]+$/gu;

/** The text without what cannot be seen at either end: "\u200bc-42 " is "c-42", and "\u200b" is "". */
export function trimInvisible(text: string): string {
  return text.replace(EDGE_NOISE, '');
}

const FORMAT_CHARACTERS = /\p{Cf}/gu;

/** The text without invisible format characters anywhere in it (a zero-width non-joiner, a right-to-left mark): "0912\u200e123" is "0912123". */
export function withoutFormatCharacters(text: string): string {
  return text.replace(FORMAT_CHARACTERS, '');
}
