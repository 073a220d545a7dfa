import { isUtf8 } from 'node:buffer';

/** The `type` of the error refuseInvalidUtf8 throws, as body-parser names its own. */
export const INVALID_UTF8 = 'encoding.invalid';

/**
 * A body-parser `verify`: refuses a body declared UTF-8 (the default) whose bytes are not, where
 * decoding would have replaced them with U+FFFD and the request would have been taken changed.
 */
export function refuseInvalidUtf8(_request: unknown, _response: unknown, body: Buffer, encoding: string): void {
  if (encoding.toLowerCase() !== 'utf-8' || isUtf8(body)) return;
  throw Object.assign(new Error('the body is not valid UTF-8: send JSON encoded as UTF-8'), { status: 400, type: INVALID_UTF8 });
}
