import { trimInvisible, type Touchpoint, type TouchpointManifest } from '@cdp/events';

/**
 * The channel a touchpoint counts for, as its type's manifest says: a fixed value (every call is
 * "phone"), a payload field (a purchase's `channel`, a social mention's `platform`), or none;
 * trimmed and lower-cased. A field that is absent, empty or not text gives none.
 */
export function channelOf(touchpoint: Touchpoint, channel: TouchpointManifest['channel']): string | null {
  if (channel === null) return null;
  if ('value' in channel) return channelName(channel.value);
  const value = Object.hasOwn(touchpoint.payload, channel.field) ? touchpoint.payload[channel.field] : undefined;
  return typeof value === 'string' ? channelName(value) : null;
}

/** Sources write a channel as they please ("Web ", "WEB", "\u200bweb"): it is counted trimmed, invisible characters too, and lower-cased. */
function channelName(value: string): string | null {
  const name = trimInvisible(value).toLowerCase();
  return name === '' ? null : name;
}
