import { parseJson } from './parse-json';

/** An answer of the platform (or of the schema registry) other than 2xx. */
export class CdpApiError extends Error {
  override readonly name = 'CdpApiError';

  constructor(
    readonly status: number,
    /** The platform's stable error code (`CUSTOMER.NOT_FOUND`, `LOYALTY.INSUFFICIENT_POINTS`, ...), or `HTTP.<status>`. */
    readonly code: string,
    message: string,
    /** The body as answered: parsed JSON (`{ error, message, errors?, ... }`), else text. */
    readonly body: unknown,
    /** How long the server asked to wait before the same request (its `Retry-After`), when it did. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Whether the same request may succeed later: 5xx, 408 and 429. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }

  static async from(response: Response, request: string): Promise<CdpApiError> {
    const text = await response.text().catch(() => '');
    const body = parseJson(text) ?? text;
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    // The platform names the code `error`, the SSE endpoint `code`, a Confluent registry `error_code`.
    const code = [fields.code, fields.error, fields.error_code].find((value) => typeof value === 'string' || typeof value === 'number');
    const message = Array.isArray(fields.message) ? fields.message.join('; ') : fields.message;
    return new CdpApiError(
      response.status,
      code === undefined ? `HTTP.${response.status}` : String(code),
      typeof message === 'string' && message !== '' ? message : `${request} answered ${response.status} ${response.statusText}`.trimEnd(),
      body,
      retryAfterMs(response.headers.get('retry-after')),
    );
  }
}

/** `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3), in ms from now; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
