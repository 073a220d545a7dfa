import type { Touchpoint, TouchpointManifest } from '@cdp/events';

/**
 * The channel a touchpoint counts for, as its type's manifest says: a fixed value (every call is
 * "phone"), a payload field (a purchase's `channel`, a social mention's `platform`), or none. A
 * field that is absent, empty or not text gives none.
 */
export function channelOf(touchpoint: Touchpoint, channel: TouchpointManifest['channel']): string | null {
  if (channel === null) return null;
  if ('value' in channel) return channel.value;
  const value = Object.hasOwn(touchpoint.payload, channel.field) ? touchpoint.payload[channel.field] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
