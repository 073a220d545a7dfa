/** Whitespace, control characters and invisible format characters (a zero-width space, a byte-order mark). */
const EDGE_NOISE = /^[\s\p{Cc}\p{Cf}]+|[\s\p{Cc}\p{Cf}]+$/gu;

/** The text without what cannot be seen at either end: "\u200bc-42 " is "c-42", and "\u200b" is "". */
export function trimInvisible(text: string): string {
  return text.replace(EDGE_NOISE, '');
}
