import { HttpRequestError } from './http-request.error';
import { INVALID_UTF8 } from './utf8-body';

/** What body-parser tells of a body it could not read. */
export interface BodyParserError extends Error {
  readonly type?: string;
  readonly status?: number;
  readonly charset?: string;
  readonly encoding?: string;
}

/**
 * A body-parser failure as the platform answers it, whichever parser read the body: too large (413),
 * a charset or Content-Encoding it does not read (415), malformed JSON, bytes that are not UTF-8 or a
 * compressed body that does not inflate (400). Undefined for a failure of the server's own (5xx).
 */
export function bodyReadError(error: BodyParserError, maxBodyBytes: number): HttpRequestError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new HttpRequestError('HTTP.PAYLOAD_TOO_LARGE', `the body is over ${maxBodyBytes} bytes; send smaller batches`);
    case 'entity.parse.failed':
      return new HttpRequestError('HTTP.MALFORMED_JSON', `the body is not valid JSON: ${error.message}`);
    case 'charset.unsupported':
      return new HttpRequestError('HTTP.UNSUPPORTED_MEDIA_TYPE', `the body's charset "${error.charset}" is not one the platform reads: send UTF-8`);
    case 'encoding.unsupported':
      return new HttpRequestError('HTTP.UNSUPPORTED_MEDIA_TYPE', `the body's Content-Encoding "${error.encoding}" is not one the platform reads: send it gzip, deflate, br or not compressed`);
    case INVALID_UTF8:
      return new HttpRequestError('HTTP.UNREADABLE_BODY', error.message);
    default:
      return error.status !== undefined && error.status < 500 ? new HttpRequestError('HTTP.UNREADABLE_BODY', `the body could not be read: ${error.message}`) : undefined;
  }
}
