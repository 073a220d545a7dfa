/** Why a text cannot be stored, as a field's error says it. */
export const UNSTORABLE_MESSAGE = 'must not contain the NUL character (\\u0000) or half of a UTF-16 surrogate pair';

const LONE_SURROGATE = /\p{Cs}/u;

/** Whether Postgres can store the text: not with the NUL character, nor with half of a surrogate pair (not Unicode at all). */
export function isStorable(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}
