import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { isStorable } from '@cdp/events';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { HttpRequestError } from './http-request.error';

/**
 * Refuses, located, a path or query parameter of a /v1 endpoint that holds text no store keeps
 * (the NUL character, `%00`): ingestion refuses it in touchpoints, so nothing can be found by it,
 * and Postgres would fail the lookup instead of answering.
 */
export class StorableParameters implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (/^\/v1\//i.test(request.path)) {
      const refused = [...Object.entries(request.params ?? {}), ...Object.entries(request.query)].filter(([, value]) => !storable(value)).map(([name]) => name);
      if (refused.length > 0) {
        throw new HttpRequestError(
          'HTTP.INVALID_REQUEST',
          `the request has parameters that hold the NUL character (%00), which nothing the platform keeps holds: ${refused.join(', ')}`,
          refused.map((path) => ({ path, message: 'must not contain the NUL character (%00)' })),
        );
      }
    }
    return next.handle();
  }
}

function storable(value: unknown): boolean {
  if (typeof value === 'string') return isStorable(value);
  if (Array.isArray(value)) return value.every(storable);
  if (typeof value === 'object' && value !== null) return Object.entries(value).every(([key, inner]) => isStorable(key) && storable(inner));
  return true;
}
