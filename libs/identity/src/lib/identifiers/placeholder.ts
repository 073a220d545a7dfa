/** Zeros, at least one, with any separators between them ("000-000", "0.0"). */
const ZEROS_AND_SEPARATORS = /^[-\s.]*0[-\s.0]*$/;

const PLACEHOLDERS = new Set(['', 'null', 'undefined', 'anonymous', 'unknown', 'none', 'n/a', '0', '-1', '[object object]', 'nan']);

/**
 * Values that sources send when they do not know who it was. They never identify anyone, so they
 * never link two touchpoints to one customer.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().toLowerCase();
  return PLACEHOLDERS.has(v) || ZEROS_AND_SEPARATORS.test(v);
}
