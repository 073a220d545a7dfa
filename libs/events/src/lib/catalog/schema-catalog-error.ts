/** A schemas folder the platform cannot publish, with where in it and what to do. */
export class SchemaCatalogError extends Error {
  readonly code = 'EVENTS.SCHEMA_CATALOG';
}
