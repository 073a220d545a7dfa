import type { PlatformClient } from '../platform-client/platform-client';
import { sleep, type PollOptions } from '../shared/polling';

export type ProfileLookup =
  /** The profile, with every touchpoint of the customer applied. */
  | { readonly state: 'complete'; readonly profile: Record<string, unknown> }
  /** The profile, while projections are still applying the customer's touchpoints. */
  | { readonly state: 'partial'; readonly profile: Record<string, unknown>; readonly applied: number }
  /** Still 404 when the wait ended. */
  | { readonly state: 'missing' };

/**
 * Polls the unified profile of one identifier until it holds the touchpoints expected of it or
 * the wait ends: projections are asynchronous, so right after ingestion it may be 404 or partial.
 * A profile merged into another is followed to the one it was merged into.
 */
export async function waitForProfile(
  client: PlatformClient,
  identifier: { readonly type: string; readonly value: string },
  expectedTouchpoints: number,
  options: PollOptions,
): Promise<ProfileLookup> {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const deadline = now() + options.timeoutMs;
  let last: ProfileLookup = { state: 'missing' };
  for (;;) {
    let profile = await client.customerByIdentifier(identifier.type, identifier.value);
    const mergedInto = profile?.mergedInto;
    if (typeof mergedInto === 'string' && mergedInto !== '') profile = (await client.customer(mergedInto)) ?? profile;
    if (profile) {
      const applied = typeof profile.touchpoints === 'number' ? profile.touchpoints : undefined;
      if (applied === undefined || applied >= expectedTouchpoints) return { state: 'complete', profile };
      last = { state: 'partial', profile, applied };
    }
    if (now() >= deadline) return last;
    await wait(Math.min(options.intervalMs ?? 500, Math.max(0, deadline - now())));
  }
}
