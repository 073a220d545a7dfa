/** Errors of HTTP requests themselves, with stable codes for DomainErrorFilter. */
export class HttpRequestError extends Error {
  constructor(
    readonly code: 'HTTP.MALFORMED_JSON' | 'HTTP.UNREADABLE_BODY' | 'HTTP.PAYLOAD_TOO_LARGE' | 'HTTP.UNSUPPORTED_MEDIA_TYPE' | 'HTTP.INVALID_REQUEST',
    message: string,
    /** The located errors of an invalid request: which field, and why. */
    readonly details?: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(message);
  }
}

/**
 * The body of a request that takes a JSON object of `fields`, all optional: refused, every problem
 * located, when it is not an object or names a field the endpoint does not take (a typo would
 * otherwise be ignored, and the request run with a default the caller did not mean).
 */
export function requestBodyOf(body: unknown, fields: readonly string[]): Readonly<Record<string, unknown>> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpRequestError('HTTP.INVALID_REQUEST', 'the body must be a JSON object', [{ path: '(root)', message: fields.length === 0 ? 'must be an empty JSON object, or left out' : `must be a JSON object with any of ${fields.join(', ')}` }]);
  }
  const unknown = Object.keys(body).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    const message = fields.length === 0 ? 'is not a field of this request, which takes none' : `is not a field of this request; its fields are ${fields.join(', ')}`;
    throw new HttpRequestError('HTTP.INVALID_REQUEST', `the body has fields this endpoint does not take: ${unknown.join(', ')}`, unknown.map((path) => ({ path, message })));
  }
  return body as Record<string, unknown>;
}
