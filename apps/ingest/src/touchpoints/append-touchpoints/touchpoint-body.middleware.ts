import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { text } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { HttpRequestError, INVALID_UTF8, refuseInvalidUtf8, SETTINGS, type Settings } from '@cdp/platform-runtime';
import { parseExactJson } from './exact-json';

/**
 * Reads a touchpoint request body: JSON only, within the size limit, parsed so that every number
 * keeps its exact text (money sent as a JSON number converts exactly). Bytes that are not UTF-8 are
 * refused, where decoding would have replaced them with U+FFFD and stored that.
 */
@Injectable()
export class TouchpointBodyMiddleware implements NestMiddleware {
  private readonly readText: ReturnType<typeof text>;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.readText = text({ type: () => true, limit: settings.maxBodyBytes, verify: refuseInvalidUtf8 });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const contentType = request.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      next(new HttpRequestError('HTTP.UNSUPPORTED_MEDIA_TYPE', `send touchpoints as application/json, not "${contentType || 'no content type'}"`));
      return;
    }
    this.readText(request, response, (error?: BodyError) => {
      if (error) {
        next(this.unreadable(error));
        return;
      }
      try {
        request.body = parseExactJson(request.body as string);
        next();
      } catch (parseError) {
        // The parsers recurse into nested values: nesting deep enough runs out of stack.
        const tooDeep = parseError instanceof RangeError;
        next(new HttpRequestError('HTTP.MALFORMED_JSON', tooDeep ? 'the body nests arrays or objects too deeply to read; a touchpoint needs a few levels' : `the body is not valid JSON: ${(parseError as Error).message}`));
      }
    });
  }

  private unreadable(error: BodyError): Error {
    switch (error.type) {
      case 'entity.too.large':
        return new HttpRequestError('HTTP.PAYLOAD_TOO_LARGE', `the body is over ${this.settings.maxBodyBytes} bytes; send smaller batches`);
      case 'charset.unsupported':
        return new HttpRequestError('HTTP.UNSUPPORTED_MEDIA_TYPE', `the body's charset "${error.charset}" is not one the platform reads: send UTF-8`);
      case 'encoding.unsupported':
        return new HttpRequestError('HTTP.UNSUPPORTED_MEDIA_TYPE', `the body's Content-Encoding "${error.encoding}" is not one the platform reads: send it gzip, deflate, br or not compressed`);
      case INVALID_UTF8:
        return new HttpRequestError('HTTP.UNREADABLE_BODY', error.message);
      default:
        // A compressed body that does not inflate, a request cut short: the client's to fix.
        return error.status !== undefined && error.status < 500 ? new HttpRequestError('HTTP.UNREADABLE_BODY', `the body could not be read: ${error.message}`) : error;
    }
  }
}

interface BodyError extends Error {
  readonly type?: string;
  readonly status?: number;
  readonly charset?: string;
  readonly encoding?: string;
}
