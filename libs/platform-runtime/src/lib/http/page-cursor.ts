import type { PipeTransform } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { HttpRequestError } from './http-request.error';

/** Where a page of a list ended: the sort key of its last item, one value per ORDER BY column. */
export type PagePosition = readonly (string | number)[];

/**
 * The `next` of a page: opaque to clients (base64url of the position's JSON), so that a list may
 * change its sort key without breaking them; null when no item follows.
 */
export function nextPageCursor(position: PagePosition | undefined): string | null {
  return position === undefined ? null : Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The `before` parameter in the OpenAPI document. */
export function ApiPageCursorQuery(): MethodDecorator {
  return ApiQuery({ name: 'before', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' }, description: 'the `next` of the previous page, as given' });
}

/**
 * The `before` query parameter of a list: undefined when absent (the first page), the position
 * a `next` cursor stands for otherwise, or a 400 when it is not one this list gives.
 */
export class PageCursorPipe implements PipeTransform<unknown, PagePosition | undefined> {
  /** @param shape the type of each value of the list's positions, in order: text, or a 32-bit integer (an `integer` column) */
  constructor(private readonly shape: readonly ('string' | 'int32')[]) {}

  transform(value: unknown): PagePosition | undefined {
    if (value === undefined) return undefined;
    const position = typeof value === 'string' && /^[A-Za-z0-9_-]+$/.test(value) ? parsed(Buffer.from(value, 'base64url').toString()) : undefined;
    const fits = Array.isArray(position) && position.length === this.shape.length && position.every((item, i) => isPositionValue(item, this.shape[i]));
    if (fits) return position as PagePosition;
    const message = 'must be the "next" of an earlier page of this list, as given';
    throw new HttpRequestError('HTTP.INVALID_REQUEST', `before ${message}; got ${JSON.stringify(value)}`, [{ path: 'before', message }]);
  }
}

/** What the database takes as a parameter of its column: no NUL or lone surrogate (Cs, in a u regex) in text, no integer beyond 32 bits. */
function isPositionValue(item: unknown, type: 'string' | 'int32'): boolean {
  return type === 'string' ? typeof item === 'string' && !/[\0\p{Cs}]/u.test(item) : Number.isInteger(item) && (item as number) >= -(2 ** 31) && (item as number) < 2 ** 31;
}

function parsed(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
