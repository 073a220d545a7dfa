import { isDeepStrictEqual } from 'node:util';
import { readTouchpoint, type Identifiers, type SchemaCatalog, type Touchpoint } from '@cdp/events';
import { IDENTIFIER_PRIORITY, isIdentifierType, normalizeIdentifiers, primaryIdentifier, type NormalizationPolicy } from '@cdp/identity';
import { touchpointStreamId } from './touchpoint-stream';

export const MAX_BATCH_SIZE = 1000;

/**
 * The most bytes one touchpoint may take as JSON. Kafka takes a message of at most 1 MiB (its
 * default `message.max.bytes`), and a touchpoint's Avro is smaller than its JSON: a larger one
 * would be refused in servers mode only, after others of its request were written.
 */
export const MAX_TOUCHPOINT_BYTES = 512 * 1024;

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
  if (!read.ok) return { errors: [...read.errors, ...identifierErrorsOfRefused(body, context, read.errors)] };

  const { identifiers: given, sourceOf } = withPayloadIdentifiers(read.value.type, read.value.identifiers, read.value.payload, context.catalog);
  const { identifiers, errors } = normalizeIdentifiers(given, context);
  if (errors.length > 0) return { errors: errors.map((e) => ({ path: sourceOf(e.type), message: e.message })) };

  const customerKey = primaryIdentifier(identifiers);
  if (!customerKey) return { errors: [NO_REAL_IDENTIFIER] };
  const touchpoint = { ...read.value, identifiers };
  const bytes = Buffer.byteLength(JSON.stringify(touchpoint));
  if (bytes > MAX_TOUCHPOINT_BYTES) {
    return { errors: [{ path: '(root)', message: `is ${bytes.toLocaleString('en')} bytes as JSON; a touchpoint holds at most ${MAX_TOUCHPOINT_BYTES.toLocaleString('en')}: keep large content (documents, images) elsewhere and send a link` }] };
  }
  return { touchpoint, streamId: touchpointStreamId(customerKey) };
}

const NO_REAL_IDENTIFIER = {
  path: 'identifiers',
  message: `needs at least one real identifier (${IDENTIFIER_PRIORITY.join(', ')}); placeholders such as "null", "0" or "guest", and a phone typed as "1234567890", do not count`,
};

/**
 * The identifiers of a touchpoint refused for other reasons, checked too, so that one answer names
 * every error: those that do not normalise, and the want of any real one.
 */
function identifierErrorsOfRefused(body: unknown, context: IngestionContext, found: readonly { path: string }[]): { path: string; message: string }[] {
  const { type, identifiers: envelope, payload } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!isPlainObject(envelope)) return [];
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const given = Object.fromEntries(IDENTIFIER_PRIORITY.map((t) => [t, text(envelope[t])])) as unknown as Identifiers;
  const { identifiers, sourceOf } = withPayloadIdentifiers(text(type), given, isPlainObject(payload) ? payload : {}, context.catalog);
  const { identifiers: normalized, errors } = normalizeIdentifiers(identifiers, context);
  const located = errors.map((e) => ({ path: sourceOf(e.type), message: e.message }));
  // A field that would give an identifier and was refused already says what is wrong.
  const payloadIdentifierPaths = Object.keys((typeof type === 'string' && context.catalog.manifest(type)?.identifiers) || {}).map((field) => `payload.${field}`);
  const givesIdentifier = (path: string) => path.startsWith('identifiers') || payloadIdentifierPaths.includes(path);
  if (located.length === 0 && !primaryIdentifier(normalized) && !found.some((f) => givesIdentifier(f.path))) located.push(NO_REAL_IDENTIFIER);
  return located.filter((error) => !found.some((f) => f.path === error.path));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Adds the payload fields that the type's manifest names as identifiers, where the envelope has none. */
function withPayloadIdentifiers(type: string | null, envelope: Identifiers, payload: Readonly<Record<string, unknown>>, catalog: SchemaCatalog) {
  const fromPayload = new Map<string, string>();
  const identifiers: Record<string, string | null> = { ...envelope };
  for (const [field, identifierType] of Object.entries((type !== null && catalog.manifest(type)?.identifiers) || {})) {
    const value = payload[field];
    if (isIdentifierType(identifierType) && identifiers[identifierType] === null && typeof value === 'string') {
      identifiers[identifierType] = value;
      fromPayload.set(identifierType, `payload.${field}`);
    }
  }
  return { identifiers: identifiers as unknown as Identifiers, sourceOf: (t: string) => fromPayload.get(t) ?? `identifiers.${t}` };
}
