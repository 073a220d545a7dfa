import { isDeepStrictEqual } from 'node:util';
import { readTouchpoint, type Identifiers, type SchemaCatalog, type Touchpoint } from '@cdp/events';
import { IDENTIFIER_PRIORITY, isIdentifierType, normalizeIdentifiers, primaryIdentifier, type NormalizationPolicy } from '@cdp/identity';
import { touchpointStreamId } from './touchpoint-stream';

export const MAX_BATCH_SIZE = 1000;

export interface IngestionContext extends NormalizationPolicy {
  readonly catalog: SchemaCatalog;
  /** When the platform accepted the request, an ISO UTC instant. */
  readonly receivedAt: string;
  /** Makes the id of a touchpoint that came without one. */
  readonly newEventId: () => string;
}

export interface PreparedTouchpoint {
  readonly touchpoint: Touchpoint;
  readonly streamId: string;
}

/** A refused field of one touchpoint of the request, located by its index in the batch. */
export interface TouchpointError {
  readonly index: number;
  readonly path: string;
  readonly message: string;
}

export type PreparedBatch =
  | { readonly ok: true; readonly touchpoints: readonly PreparedTouchpoint[] }
  | { readonly ok: false; readonly errors: readonly TouchpointError[] };

/**
 * Validates and normalises a batch of touchpoints as posted. Either all of them are ready to
 * append, or the answer lists every error of every touchpoint and none is to be appended.
 */
export function prepareTouchpoints(bodies: readonly unknown[], context: IngestionContext): PreparedBatch {
  if (bodies.length === 0) return { ok: false, errors: [{ index: 0, path: 'touchpoints', message: 'the batch is empty' }] };
  if (bodies.length > MAX_BATCH_SIZE) {
    return { ok: false, errors: [{ index: MAX_BATCH_SIZE, path: 'touchpoints', message: `a batch holds at most ${MAX_BATCH_SIZE} touchpoints; split it` }] };
  }
  const errors: TouchpointError[] = [];
  const touchpoints = bodies.map((body, index) => {
    const prepared = prepareOne(body, context);
    if ('errors' in prepared) errors.push(...prepared.errors.map((e) => ({ index, ...e })));
    return prepared;
  });
  if (errors.length === 0) errors.push(...reusedEventIdErrors(touchpoints as PreparedTouchpoint[]));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, touchpoints: touchpoints as PreparedTouchpoint[] };
}

/**
 * An event id names one touchpoint: the same id twice in a batch with the same content is a
 * retry inside the request (the log keeps one), but with other content the second would be
 * dropped as a duplicate of the first, so it is refused.
 */
function reusedEventIdErrors(touchpoints: readonly PreparedTouchpoint[]): TouchpointError[] {
  const firstIndex = new Map<string, number>();
  const errors: TouchpointError[] = [];
  touchpoints.forEach(({ touchpoint }, index) => {
    const first = firstIndex.get(touchpoint.eventId);
    if (first === undefined) firstIndex.set(touchpoint.eventId, index);
    else if (!isDeepStrictEqual(touchpoints[first].touchpoint, touchpoint)) {
      errors.push({ index, path: 'eventId', message: `touchpoint ${first} of this batch has the same eventId with other content; give each touchpoint its own eventId` });
    }
  });
  return errors;
}

function prepareOne(body: unknown, context: IngestionContext): PreparedTouchpoint | { errors: { path: string; message: string }[] } {
  const read = readTouchpoint(body, context.catalog, { eventId: context.newEventId(), receivedAt: context.receivedAt });
  if (!read.ok) return { errors: [...read.errors, ...envelopeIdentifierErrors(body, context, read.errors)] };

  const { identifiers: given, sourceOf } = withPayloadIdentifiers(read.value, context.catalog);
  const { identifiers, errors } = normalizeIdentifiers(given, context);
  if (errors.length > 0) return { errors: errors.map((e) => ({ path: sourceOf(e.type), message: e.message })) };

  const customerKey = primaryIdentifier(identifiers);
  if (!customerKey) {
    return {
      errors: [{ path: 'identifiers', message: `needs at least one real identifier (${IDENTIFIER_PRIORITY.join(', ')}); placeholders such as "null" or "0" do not count` }],
    };
  }
  return { touchpoint: { ...read.value, identifiers }, streamId: touchpointStreamId(customerKey) };
}

/** The envelope's identifiers of a touchpoint refused for other reasons, checked too, so that one answer names every error. */
function envelopeIdentifierErrors(body: unknown, policy: NormalizationPolicy, found: readonly { path: string }[]): { path: string; message: string }[] {
  const given = (body as { identifiers?: unknown } | null)?.identifiers;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return [];
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const identifiers = Object.fromEntries(IDENTIFIER_PRIORITY.map((type) => [type, text((given as Record<string, unknown>)[type])])) as unknown as Identifiers;
  return normalizeIdentifiers(identifiers, policy)
    .errors.map((e) => ({ path: `identifiers.${e.type}`, message: e.message }))
    .filter((error) => !found.some((f) => f.path === error.path));
}

/** Adds the payload fields that the type's manifest names as identifiers, where the envelope has none. */
function withPayloadIdentifiers(touchpoint: Touchpoint, catalog: SchemaCatalog) {
  const fromPayload = new Map<string, string>();
  const identifiers: Record<string, string | null> = { ...touchpoint.identifiers };
  for (const [field, type] of Object.entries(catalog.manifest(touchpoint.type)?.identifiers ?? {})) {
    const value = touchpoint.payload[field];
    if (isIdentifierType(type) && identifiers[type] === null && typeof value === 'string') {
      identifiers[type] = value;
      fromPayload.set(type, `payload.${field}`);
    }
  }
  return { identifiers: identifiers as unknown as Identifiers, sourceOf: (type: string) => fromPayload.get(type) ?? `identifiers.${type}` };
}
