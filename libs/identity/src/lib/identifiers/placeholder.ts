const PLACEHOLDERS = new Set(['', 'null', 'undefined', 'anonymous', 'unknown', 'none', 'n/a', '0', '-1', '[object object]', 'nan']);

/**
 * Values that sources send when they do not know who it was. They never identify anyone, so they
 * never link two touchpoints to one customer.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().toLowerCase();
  return PLACEHOLDERS.has(v) || /^0+$/.test(v.replace(/[-\s.]/g, ''));
}
