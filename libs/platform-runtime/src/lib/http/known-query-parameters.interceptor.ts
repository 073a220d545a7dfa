import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { HttpRequestError } from './http-request.error';

/**
 * Refuses a query parameter a /v1 endpoint does not take, located, as a body's unknown field is
 * refused: `?limt=5` would otherwise be ignored and the request answered with the default. The
 * parameters an endpoint takes are those its handler reads with `@Query('name')`; a handler that
 * reads the whole query (`@Query()`) checks it itself. Other paths (the schema registry, whose
 * Confluent clients send parameters of their own) are left alone.
 */
export class KnownQueryParameters implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (/^\/v1\//i.test(request.path)) {
      const taken = queryParametersOf(context);
      const unknown = taken === 'all' ? [] : Object.keys(request.query).filter((name) => !taken.includes(name));
      if (unknown.length > 0) {
        const message = taken.length === 0 ? 'is not a query parameter of this endpoint, which takes none' : `is not a query parameter of this endpoint; its parameters are ${(taken as string[]).join(', ')}`;
        throw new HttpRequestError('HTTP.INVALID_REQUEST', `the request has query parameters this endpoint does not take: ${unknown.join(', ')}`, unknown.map((path) => ({ path, message })));
      }
    }
    return next.handle();
  }
}

/** What each handler takes, read from its metadata once. */
const TAKEN = new WeakMap<object, readonly string[] | 'all'>();

function queryParametersOf(context: ExecutionContext): readonly string[] | 'all' {
  const handler = context.getHandler();
  let taken = TAKEN.get(handler);
  if (taken === undefined) TAKEN.set(handler, (taken = declaredQueryParameters(context.getClass(), handler.name)));
  return taken;
}

function declaredQueryParameters(controller: object, method: string): readonly string[] | 'all' {
  const args: Record<string, { data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
  const queries = Object.entries(args)
    .filter(([key]) => Number(key.split(':')[0]) === RouteParamtypes.QUERY)
    .map(([, arg]) => arg.data);
  return queries.some((data) => typeof data !== 'string') ? 'all' : (queries as string[]);
}
