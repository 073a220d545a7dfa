import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type OpenAPIObject, type ReferenceObject, type ResponseObject } from '@nestjs/swagger';

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

const ERROR_CONTENT = { 'application/json': { schema: { $ref: '#/components/schemas/PlatformError' } } };

/**
 * Gives every operation of the document a `default` response: the platform's error shape, so that
 * a client generated from /docs-json knows what a 4xx or 5xx carries; the errors an operation lists
 * by status carry it too. The schema registry's operations keep Confluent's own error shape, and are left as they are.
 */
export function withErrorResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, PlatformError: PLATFORM_ERROR as never } };
  for (const [path, item] of Object.entries(document.paths)) {
    if (path.startsWith('/registry')) continue;
    for (const operation of Object.values(item)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      operation.responses.default ??= {
        description: 'An error: a stable code, a message, and for an invalid request every error located (docs/ingestion.md, "The endpoint")',
        content: ERROR_CONTENT,
      };
      // An error an operation lists by its status carries the same shape.
      for (const [status, response] of Object.entries(operation.responses as Record<string, ResponseObject | ReferenceObject>)) {
        if (/^[45]/.test(status) && !('$ref' in response)) response.content ??= ERROR_CONTENT;
      }
    }
  }
  return document;
}

/**
 * The errors an endpoint answers, by status, each described by its codes, so that a client
 * generated from the document can tell a 409 from a 422; each carries the platform's error shape.
 */
export function ApiErrors(errors: Readonly<Record<number, string>>): MethodDecorator & ClassDecorator {
  return applyDecorators(...Object.entries(errors).map(([status, description]) => ApiResponse({ status: Number(status), description })));
}
