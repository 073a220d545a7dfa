import { touchpointExamples, type Identifiers, type Touchpoint, type TouchpointManifest } from '@cdp/events';
import type { CustomerProfile } from '../profile/customer-profile';
import { evolveProfile } from '../profile/profile.projection';
import { touchpointRecorded, type ProfileEvent, type TouchpointRecorded } from '../profile/profile.events';
import { channelOf } from '../profile/touchpoint-channel';

/** Test data for the profile specs: the seed examples as touchpoints from the log. */

/** Event id n. */
export const ev = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const CUSTOMER = 'cus_00000000000040008000000000000001';
export const OTHER = 'cus_00000000000040008000000000000002';

const NO_IDENTIFIERS: Identifiers = { customerId: null, email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null };

/** The channels of schemas/touchpoints/<type>/manifest.json, as the runtime reads them. */
export const MANIFEST_CHANNELS: Readonly<Record<string, TouchpointManifest['channel']>> = {
  call: { value: 'phone' },
  profile_update: null,
  purchase: { field: 'channel' },
  refund: null,
  social_mention: { field: 'platform' },
  visit: { field: 'channel' },
};

type Example = keyof typeof touchpointExamples;

export interface TouchpointChanges {
  readonly occurredAt?: string;
  readonly receivedAt?: string;
  readonly source?: string;
  readonly traits?: Readonly<Record<string, string>> | null;
  readonly consent?: Touchpoint['consent'];
  /** Merged over the example's payload. */
  readonly payload?: Readonly<Record<string, unknown>>;
}

/** Touchpoint n: the seed example of `type`, with some changes, as the log holds it. */
export function example(type: Example, n: number, changes: TouchpointChanges = {}): Touchpoint {
  const seed = touchpointExamples[type] as unknown as Record<string, unknown>;
  return touchpoint(type, n, {
    occurredAt: seed.occurredAt as string,
    source: seed.source as string,
    traits: (seed.traits as Record<string, string> | undefined) ?? null,
    consent: null,
    ...changes,
    payload: { ...(seed.payload as Record<string, unknown>), ...changes.payload },
  });
}

/** Touchpoint n of any type, registered later ones included. */
export function touchpoint(type: string, n: number, changes: TouchpointChanges = {}): Touchpoint {
  return {
    eventId: ev(n),
    type,
    source: changes.source ?? 'test-source',
    occurredAt: changes.occurredAt ?? '2026-11-20T10:00:00.000Z',
    receivedAt: changes.receivedAt ?? '2026-11-25T00:00:00.000Z',
    identifiers: { ...NO_IDENTIFIERS, customerId: 'c-42' },
    traits: changes.traits ?? null,
    consent: changes.consent ?? null,
    attributes: {},
    payload: changes.payload ?? {},
  };
}

/** The touchpoint attributed to the customer, with the channel its type's manifest gives. */
export function recorded(t: Touchpoint, customerId: string = CUSTOMER): TouchpointRecorded {
  return touchpointRecorded(customerId, t, channelOf(t, MANIFEST_CHANNELS[t.type] ?? null));
}

export function created(firstSeenAt: string, n: number, customerId: string = CUSTOMER): ProfileEvent {
  return { type: 'CustomerCreated', data: { customerId, firstSeenAt, firstEventId: ev(n) } };
}

export function linked(identifier: string, n: number, customerId: string = CUSTOMER): ProfileEvent {
  return { type: 'IdentifierLinked', data: { customerId, identifier, eventId: ev(n) } };
}

/** The events applied in this order, from `profile`. */
export function fold(events: readonly ProfileEvent[], profile: CustomerProfile | null = null): CustomerProfile | null {
  return events.reduce<CustomerProfile | null>(evolveProfile, profile);
}

/** The touchpoints recorded for the customer in this order: its profile. */
export function profileOf(...touchpoints: Touchpoint[]): CustomerProfile {
  return fold(touchpoints.map((t) => recorded(t)))!;
}
