import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Counts every request the process answers, by method, route and status, and times it, for
 * dashboards of traffic, refusals (a source's 400s) and latency. The route is the template the
 * request matched ("/v1/customers/:id"), never its path, so that customer ids make no series;
 * a request no route took (a 404, or one the browser guard refused) is "unmatched".
 */
export function httpMetrics(registry: Registry) {
  const labelNames = ['method', 'route', 'status'];
  const requests = new Counter({ name: 'cdp_http_requests_total', help: 'HTTP requests answered, by method, route template and status', labelNames, registers: [registry] });
  const seconds = new Histogram({
    name: 'cdp_http_request_duration_seconds',
    help: 'From a request received to its answer sent, by method, route template and status (an SSE stream counts its whole life)',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('close', () => {
      const route = request.route?.path === undefined ? 'unmatched' : `${request.baseUrl}${String(request.route.path)}`;
      const labels = { method: request.method, route, status: String(response.statusCode) };
      requests.inc(labels);
      seconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
