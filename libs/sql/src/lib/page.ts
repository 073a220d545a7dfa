/** Up to a limit of items, and the position of the last one when more follow. */
export interface Page<T, P> {
  readonly items: T[];
  readonly next: P | undefined;
}

/**
 * The page of `limit` rows out of up to limit + 1 read (LIMIT limit + 1): one more than the
 * limit means another page follows, which starts after the last row shown.
 */
export function pageOf<R, T, P>(rows: readonly R[], limit: number, item: (row: R) => T, position: (row: R) => P): Page<T, P> {
  const shown = rows.slice(0, limit);
  return { items: shown.map(item), next: rows.length > limit ? position(shown[shown.length - 1]) : undefined };
}
