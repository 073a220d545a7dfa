import type { ConsentStatus } from '../../generated/touchpoint-types';
import { join } from './avro-json-reader';
import type { FieldError } from './field-error';
import { trimInvisible } from '../text/trim-invisible';

/** The channels a customer can grant or deny marketing on. A new channel is added here, and in docs/ingestion.md. */
export const CONSENT_CHANNELS: readonly string[] = ['email', 'sms', 'phone', 'push'];

/** How a source may write a channel ("SMS", " email ", or with a zero-width space) and the platform keeps it ("sms", "email"). */
export function consentChannel(key: string): string {
  return trimInvisible(key).toLowerCase();
}

/**
 * The consent maps of a touchpoint as it came over the wire (its envelope's, and a payload's
 * `consent`), with each status written otherwise than the schema's symbols ("Denied", " DENIED ")
 * as the symbol, before the schema reads them: a withdrawal must not be refused for its case.
 * Anything else is left for the schema to refuse, with its path.
 */
export function withConsentStatusesAsSymbols(input: Record<string, unknown>): Record<string, unknown> {
  const payload = input.payload;
  const payloadConsent = isPlainObject(payload) ? payload.consent : undefined;
  return {
    ...input,
    ...(isPlainObject(input.consent) ? { consent: statusesAsSymbols(input.consent) } : {}),
    ...(isPlainObject(payloadConsent) ? { payload: { ...(payload as object), consent: statusesAsSymbols(payloadConsent) } } : {}),
  };
}

const STATUS_SYMBOLS: readonly string[] = ['granted', 'denied'] satisfies ConsentStatus[];

function statusesAsSymbols(consent: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(consent).map(([channel, status]) => {
      const symbol = typeof status === 'string' ? trimInvisible(status).toLowerCase() : status;
      return [channel, STATUS_SYMBOLS.includes(symbol as string) ? symbol : status];
    }),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A consent map with its channels as the platform keeps them; an unknown channel is an error at
 * its path, not a channel of its own that a campaign tool would never read. Two keys of one
 * channel that disagree ("SMS": granted, "sms": denied) give denied: permission is never assumed.
 */
export function normalizeConsent(consent: Readonly<Record<string, ConsentStatus>> | null, path: string, errors: FieldError[]): Readonly<Record<string, ConsentStatus>> | null {
  if (consent === null) return null;
  const normalized: Record<string, ConsentStatus> = {};
  for (const [key, status] of Object.entries(consent)) {
    const channel = consentChannel(key);
    if (!CONSENT_CHANNELS.includes(channel)) {
      errors.push({ path: join(path, key), message: `is not a consent channel; the channels are ${CONSENT_CHANNELS.join(', ')}` });
    } else {
      normalized[channel] = normalized[channel] === 'denied' ? 'denied' : status;
    }
  }
  return normalized;
}
