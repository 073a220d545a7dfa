/** Errors of HTTP requests themselves, with stable codes for DomainErrorFilter. */
export class HttpRequestError extends Error {
  constructor(
    readonly code: 'HTTP.MALFORMED_JSON' | 'HTTP.PAYLOAD_TOO_LARGE' | 'HTTP.UNSUPPORTED_MEDIA_TYPE',
    message: string,
  ) {
    super(message);
  }
}
