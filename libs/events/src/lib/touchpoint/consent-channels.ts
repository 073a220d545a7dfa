import type { ConsentStatus } from '../../generated/touchpoint-types';
import { join } from './avro-json-reader';
import type { FieldError } from './field-error';

/** The channels a customer can grant or deny marketing on. A new channel is added here, and in docs/ingestion.md. */
export const CONSENT_CHANNELS: readonly string[] = ['email', 'sms', 'phone', 'push'];

/** How a source may write a channel ("SMS", " email ") and the platform keeps it ("sms", "email"). */
export function consentChannel(key: string): string {
  return key.trim().toLowerCase();
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
