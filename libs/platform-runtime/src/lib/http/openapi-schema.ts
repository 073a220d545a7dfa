import type { SchemaObject } from '@nestjs/swagger';

/**
 * Building blocks of the response schemas in /docs-json (OpenAPI 3.0), so that a client generated
 * from the document knows what each answer holds. Objects list their fields; a client must still
 * ignore fields it does not know, since new ones are added without a new version (docs/subscribing.md).
 */

export const text = (description?: string, example?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}), ...(example ? { example } : {}) });

export const integer = (description?: string): SchemaObject => ({ type: 'integer', ...(description ? { description } : {}) });

export const instant = (description?: string): SchemaObject => ({ type: 'string', format: 'date-time', example: '2026-11-20T10:15:00.000Z', ...(description ? { description } : {}) });

export const calendarDate = (description?: string): SchemaObject => ({ type: 'string', format: 'date', example: '2027-03-01', ...(description ? { description } : {}) });

/** An exact decimal, as a string: money is never a JSON number. */
export const decimal = (description?: string, example = '300000'): SchemaObject => ({ type: 'string', pattern: '^-?\\d+(\\.\\d+)?$', example, ...(description ? { description } : {}) });

/** Amounts by ISO 4217 currency code. */
export const moneyByCurrency = (description: string): SchemaObject => ({ type: 'object', description, additionalProperties: decimal(), example: { IRR: '300000' } });

export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });

/** The `next` of a page of a list: pass it as `before` for the following page. */
export const nextPage = (): SchemaObject => nullable(text('the cursor of the following page, to pass as `before`; null on the last page'));

export const listOf = (items: SchemaObject, description?: string): SchemaObject => ({ type: 'array', items, ...(description ? { description } : {}) });

/** A map from keys the data chooses (trait names, currencies, channels) to values of one shape. */
export const mapOf = (values: SchemaObject, description: string): SchemaObject => ({ type: 'object', description, additionalProperties: values });

/** An object with these fields, every one of them always present. */
export const record = (title: string, properties: Record<string, SchemaObject>, description?: string): SchemaObject => ({
  title,
  type: 'object',
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  properties,
});
