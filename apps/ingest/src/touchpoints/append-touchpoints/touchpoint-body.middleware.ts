import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { text } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { HttpRequestError, SETTINGS, type Settings } from '@cdp/platform-runtime';
import { parseExactJson } from './exact-json';

/**
 * Reads a touchpoint request body: JSON only, within the size limit, parsed so that every number
 * keeps its exact text (money sent as a JSON number converts exactly).
 */
@Injectable()
export class TouchpointBodyMiddleware implements NestMiddleware {
  private readonly readText: ReturnType<typeof text>;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.readText = text({ type: () => true, limit: settings.maxBodyBytes });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const contentType = request.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      next(new HttpRequestError('HTTP.UNSUPPORTED_MEDIA_TYPE', `send touchpoints as application/json, not "${contentType || 'no content type'}"`));
      return;
    }
    this.readText(request, response, (error?: { type?: string }) => {
      if (error) {
        next(
          error.type === 'entity.too.large'
            ? new HttpRequestError('HTTP.PAYLOAD_TOO_LARGE', `the body is over ${this.settings.maxBodyBytes} bytes; send smaller batches`)
            : error,
        );
        return;
      }
      try {
        request.body = parseExactJson(request.body as string);
        next();
      } catch (parseError) {
        next(new HttpRequestError('HTTP.MALFORMED_JSON', `the body is not valid JSON: ${(parseError as Error).message}`));
      }
    });
  }
}
