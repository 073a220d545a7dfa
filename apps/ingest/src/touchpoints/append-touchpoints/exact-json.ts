import { parse } from 'lossless-json';

/**
 * Parses JSON as lossless-json does, every number keeping its exact text, but with the engine's
 * JSON.parse when that gives the same answer: when every number reads back as the text it was
 * written with (`12.5`, `3`, not `300000.10` or `1e3`), so that a plain number carries the same
 * text, and when no object repeats a key (lossless-json refuses a key repeated with another
 * value). Otherwise, and for malformed JSON and its message, lossless-json decides.
 */
export function parseExactJson(text: string): unknown {
  const keys = keysIfNumbersRoundTrip(text);
  if (keys !== undefined) {
    try {
      const value: unknown = JSON.parse(text);
      if (countKeys(value) === keys) return value;
    } catch {
      // Malformed: lossless-json below gives the error its message.
    }
  }
  return parse(text);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** How many object keys the text writes, or undefined when some number would not read back as written. */
function keysIfNumbersRoundTrip(text: string): number | undefined {
  let keys = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      while (isWhitespace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) === COLON) keys++;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      while (i < text.length && isNumberChar(text.charCodeAt(i))) i++;
      const token = text.slice(start, i);
      if (String(Number(token)) !== token) return undefined;
    } else {
      i++;
    }
  }
  return keys;
}

/** The index just after the string that opens at `open`. */
function stringEnd(text: string, open: number): number {
  for (let from = open + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

function countKeys(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) keys += countKeys(item);
    return keys;
  }
  for (const key in value) keys += 1 + countKeys((value as Record<string, unknown>)[key]);
  return keys;
}
