import { Logger } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { touchpointExamples, touchpointJsonSchema, type SchemaCatalog } from '@cdp/events';

const PATH = '/v1/touchpoints';
const MAX_BATCH = 1000;

/**
 * The body of POST /v1/touchpoints in the API document, from the schemas the process runs with:
 * one touchpoint or a batch, each touchpoint of one of the catalog's types (told by `type`), so
 * that a client generated from the document knows every type's fields, those a data engineer added
 * included. The controller cannot say it in its decorators: the types are known at start only.
 */
export function withTouchpointRequest(document: OpenAPIObject, catalog: SchemaCatalog): OpenAPIObject {
  const operation = document.paths[PATH]?.post;
  if (!operation) return document;
  try {
    return withRequestBody(document, catalog, operation);
  } catch (error) {
    // The document serves clients; a schema it cannot describe must not keep the platform from taking touchpoints.
    new Logger('openapi').warn(`the API document gives no schema for the body of POST ${PATH}: ${(error as Error).message}`);
    return document;
  }
}

function withRequestBody(document: OpenAPIObject, catalog: SchemaCatalog, operation: OperationObject): OpenAPIObject {
  const types = catalog.touchpointTypes();
  const nameOf = (type: string) => `Touchpoint_${type}`;
  const refOf = (type: string) => `#/components/schemas/${nameOf(type)}`;
  const touchpoint = { oneOf: types.map((type) => ({ $ref: refOf(type) })), discriminator: { propertyName: 'type', mapping: Object.fromEntries(types.map((type) => [type, refOf(type)])) } };
  const batch = { type: 'object', required: ['touchpoints'], additionalProperties: false, properties: { touchpoints: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: touchpoint } } };
  return {
    ...document,
    components: { ...document.components, schemas: { ...document.components?.schemas, ...Object.fromEntries(types.map((type) => [nameOf(type), touchpointJsonSchema(catalog, type)])) } },
    paths: {
      ...document.paths,
      [PATH]: {
        ...document.paths[PATH],
        post: {
          ...operation,
          requestBody: {
            required: true,
            description: `One touchpoint, or a batch of up to ${MAX_BATCH.toLocaleString('en-US')} as { "touchpoints": [...] }`,
            content: {
              'application/json': {
                schema: { oneOf: [touchpoint, batch] },
                examples: { touchpoint: { value: touchpointExamples.purchase }, batch: { value: { touchpoints: [touchpointExamples.purchase, touchpointExamples.call] } } },
              },
            },
          },
        },
      },
    },
  } as OpenAPIObject;
}
