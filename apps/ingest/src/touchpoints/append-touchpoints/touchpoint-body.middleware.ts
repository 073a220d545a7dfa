import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { text } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { bodyReadError, HttpRequestError, refuseInvalidUtf8, SETTINGS, type BodyParserError, type Settings } from '@cdp/platform-runtime';
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
    this.readText(request, response, (error?: BodyParserError) => {
      if (error) {
        next(bodyReadError(error, this.settings.maxBodyBytes) ?? error);
        return;
      }
      // A request without a body leaves none to read.
      if (typeof request.body !== 'string' || request.body.trim() === '') {
        next(new HttpRequestError('HTTP.INVALID_REQUEST', 'the body is empty: send one touchpoint, or { "touchpoints": [...] }, as JSON'));
        return;
      }
      try {
        request.body = parseExactJson(request.body);
        next();
      } catch (parseError) {
        // The parsers recurse into nested values: nesting deep enough runs out of stack.
        const tooDeep = parseError instanceof RangeError;
        next(new HttpRequestError('HTTP.MALFORMED_JSON', tooDeep ? 'the body nests arrays or objects too deeply to read; a touchpoint needs a few levels' : `the body is not valid JSON: ${(parseError as Error).message}`));
      }
    });
  }
}
