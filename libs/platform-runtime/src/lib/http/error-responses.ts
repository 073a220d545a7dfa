import type { OpenAPIObject } from '@nestjs/swagger';

/** The shape of every error the platform answers (DomainErrorFilter), as an OpenAPI schema. */
const PLATFORM_ERROR = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'A stable code: CUSTOMER.NOT_FOUND, LOYALTY.INSUFFICIENT_POINTS, HTTP.INVALID_REQUEST, ...', example: 'HTTP.INVALID_REQUEST' },
    message: { type: 'string', description: 'What went wrong, and what to do' },
    errors: {
      type: 'array',
      description: 'The located errors of an invalid request: each with its path or field, and why',
      items: { type: 'object', additionalProperties: true },
    },
  },
  additionalProperties: true,
} as const;

/**
 * Gives every operation of the document a `default` response: the platform's error shape, so that
 * a client generated from /docs-json knows what a 4xx or 5xx carries. The schema registry's
 * operations keep Confluent's own error shape, and are left as they are.
 */
export function withErrorResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, PlatformError: PLATFORM_ERROR as never } };
  for (const [path, item] of Object.entries(document.paths)) {
    if (path.startsWith('/registry')) continue;
    for (const operation of Object.values(item)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      operation.responses.default ??= {
        description: 'An error: a stable code, a message, and for an invalid request every error located (docs/ingestion.md, "The endpoint")',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/PlatformError' } } },
      };
    }
  }
  return document;
}
