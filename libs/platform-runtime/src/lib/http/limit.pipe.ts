import type { PipeTransform } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { HttpRequestError } from './http-request.error';

/** The `limit` query parameter of a list: `fallback` when absent, a 400 naming the range when out of it or empty (never quietly clamped). */
export class LimitPipe implements PipeTransform<unknown, number> {
  constructor(
    private readonly fallback: number,
    private readonly max = 1000,
  ) {}

  transform(value: unknown): number {
    if (value === undefined) return this.fallback;
    const limit = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
    if (limit >= 1 && limit <= this.max) return limit;
    const message = `must be a whole number from 1 to ${this.max.toLocaleString('en-US')}`;
    throw new HttpRequestError('HTTP.INVALID_REQUEST', `limit ${message}; got ${JSON.stringify(value)}`, [{ path: 'limit', message }]);
  }
}

/** The `limit` parameter in the OpenAPI document, as LimitPipe takes it: optional, a whole number from 1 to `max`. */
export function ApiLimitQuery(fallback: number, max = 1000): MethodDecorator {
  return ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: max, default: fallback }, description: `how many items a page holds; default ${fallback}` });
}
