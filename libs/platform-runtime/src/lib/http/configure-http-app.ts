import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { SchemaCatalog } from '@cdp/events';
import type { Settings } from '../settings';
import { SCHEMA_CATALOG } from '../tokens';
import { httpMetrics } from '../metrics/http-metrics';
import { METRICS } from '../metrics/metrics.module';
import { browserGuard, isLoopbackAddress } from './browser-guard';
import { DomainErrorFilter, sendBodyError } from './domain-error.filter';
import { withErrorResponses } from './error-responses';
import { KnownQueryParameters } from './known-query-parameters.interceptor';
import { StorableParameters } from './storable-parameters.interceptor';
import { withTouchpointRequest } from './touchpoint-request.openapi';
import { refuseInvalidUtf8 } from './utf8-body';

/** Paths whose bodies are read by their own parser (exact numbers), not the shared JSON parser. */
const OWN_BODY_PARSER = ['/v1/touchpoints'];

/** Whether the request goes to such a path, as Express routes it: in any case, with or without a trailing slash. */
function hasOwnBodyParser(request: Request): boolean {
  return OWN_BODY_PARSER.includes(request.path.toLowerCase().replace(/\/+$/, ''));
}

/** What every HTTP app of the platform shares: request metrics, the browser guard, body parsing, error mapping, and /docs. */
export function configureHttpApp(app: INestApplication, settings: Settings): void {
  keepIdleConnections(app.getHttpServer(), settings.httpKeepAliveSeconds);
  app.use(httpMetrics(app.get<Registry>(METRICS)));
  app.use('/registry', inConfluentErrorShape);
  app.use(browserGuard(isLoopbackAddress(settings.host), settings.allowedHosts));
  const parseJson = json({ limit: settings.maxBodyBytes, verify: refuseInvalidUtf8, type: (request) => isJson(request as Request) && !hasOwnBodyParser(request as Request) });
  // Express middleware: its errors reach Express, not the platform's filter, so they are answered here.
  app.use((request: Request, response: Response, next: NextFunction) => {
    // A body the JSON parser passes over would reach the endpoint as no body at all, and be refused for what it lacks.
    if (hasBody(request) && !isJson(request) && !hasOwnBodyParser(request)) {
      response.status(415).json({ error: 'HTTP.UNSUPPORTED_MEDIA_TYPE', message: `send the body as application/json, not "${request.headers['content-type'] || 'no content type'}"` });
      return;
    }
    parseJson(request, response, (error?: unknown) => (error ? sendBodyError(response, error as Error, settings.maxBodyBytes) : next()));
  });
  app.useGlobalFilters(new DomainErrorFilter());
  app.useGlobalInterceptors(new KnownQueryParameters(), new StorableParameters());
  const document = withErrorResponses(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Customer-data platform')
        .setDescription('Touchpoints in; unified customer views out. See README.md and docs/.')
        .setVersion('1')
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, withTouchpointRequest(document, app.get<SchemaCatalog>(SCHEMA_CATALOG)));
}

/**
 * Node closes an idle keep-alive connection after 5 s. A client that sends its next request on it
 * just then (fetch keeps idle connections for as long as the server says, less a second, so one
 * whose event loop is busy for that second) or a load balancer that keeps its own idle connections
 * longer (60 s is common) gets the connection reset instead of an answer: `cdp demo` retried such
 * batches on a busy machine. The server now keeps idle connections longer than those do; the time
 * allowed for a request's headers must be longer still, or Node may cut the connection first.
 */
function keepIdleConnections(server: Server, seconds: number): void {
  server.keepAliveTimeout = seconds * 1000;
  server.headersTimeout = seconds * 1000 + 1000;
}

function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/** application/json, or a JSON type of its own such as the schema registry's application/vnd.schemaregistry.v1+json. */
function isJson(request: Request): boolean {
  return /^application\/(json|[\w.-]+\+json)\s*(;|$)/i.test(request.headers['content-type'] ?? '');
}

/**
 * The schema registry's clients read its errors as a Confluent registry gives them, `{ error_code,
 * message }`: the platform's own errors on its paths (an unknown route, a body that is not JSON) too.
 */
function inConfluentErrorShape(_: Request, response: Response, next: NextFunction): void {
  const send = response.json.bind(response);
  response.json = (body?: { error?: unknown; message?: unknown }) =>
    send(response.statusCode >= 400 && typeof body?.error === 'string' ? { error_code: response.statusCode, message: String(body.message ?? body.error) } : body);
  next();
}
