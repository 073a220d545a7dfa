import { EARLIEST_OCCURRED_AT, instantProblem, utcInstant } from '@cdp/events';
import { InvalidArgumentError } from 'commander';
import { UsageError } from './cli-error';

/** A commander parser for a whole number within bounds. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value.replace(/[_,]/g, ''));
    if (!/^\s*\d[\d_,]*\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`);
    }
    return n;
  };
}

/** A commander parser for a number of seconds (fractions allowed). */
export function seconds(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number of seconds, e.g. 10.');
  return n;
}

/** A commander parser for how long to wait for an answer: 1 to 86,400 seconds. */
export function answerTimeout(value: string): number {
  const n = seconds(value);
  if (n < 1 || n > 86_400) throw new InvalidArgumentError('must be from 1 to 86400 seconds.');
  return n;
}

/** A commander parser for how often to poll: 0.1 to 3,600 seconds (0 would ask without a pause). */
export function pollInterval(value: string): number {
  const n = seconds(value);
  if (n < 0.1 || n > 3600) throw new InvalidArgumentError('must be from 0.1 to 3600 seconds.');
  return n;
}

/** A commander parser for an ISO 8601 instant with a zone. */
export function instant(value: string): Date {
  const at = utcInstant(value.trim());
  if (at === undefined) throw new InvalidArgumentError(`${instantProblem(value.trim())}.`);
  if (at < EARLIEST_OCCURRED_AT) throw new InvalidArgumentError('must be at or after 1970-01-01T00:00:00Z, before which no touchpoint is kept.');
  return new Date(at);
}

/** A commander parser for the platform's base URL. */
export function platformUrl(value: string): string {
  return checkedUrl(value, 'must be an http(s) URL, e.g. http://localhost:3000.', (message) => new InvalidArgumentError(message));
}

/**
 * Where the platform is: --url, else CDP_URL, else http://localhost:$PORT (3000), the address
 * `npm start` listens on.
 */
export function resolvePlatformUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return checkedUrl(flag, 'must be an http(s) URL', (m) => new InvalidArgumentError(`--url ${m}`));
  // Not an InvalidArgumentError: commander prints those only for the arguments it parses itself.
  if (env.CDP_URL) return checkedUrl(env.CDP_URL, 'must be an http(s) URL, e.g. http://localhost:3000', (m) => new UsageError(`CDP_URL=${env.CDP_URL} ${m}`));
  return `http://localhost:${env.PORT || 3000}`;
}

function checkedUrl(value: string, message: string, error: (message: string) => Error): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw error(message);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw error(message);
  return value.replace(/\/+$/, '');
}
