import { isUtf8 } from 'node:buffer';
import { parse } from 'lossless-json';
import { deterministicEventId } from '@cdp/event-log';
import { touchpointCodec, unframeConfluent, type SchemaCatalog } from '@cdp/events';
import type { NormalizationPolicy } from '@cdp/identity';
import { prepareTouchpoints, type PreparedTouchpoint } from '@cdp/ingestion';

export const INTAKE_REFUSAL_CODES = ['UNKNOWN_SCHEMA_ID', 'UNDECODABLE', 'INVALID_TOUCHPOINT'] as const;
export type IntakeRefusalCode = (typeof INTAKE_REFUSAL_CODES)[number];

export interface IntakeRefusal {
  readonly code: IntakeRefusalCode;
  /** The located errors, readable: "payload.amount: must be ...; identifiers: needs at least one ...". */
  readonly reason: string;
}

export type IntakeDecision = ({ readonly kind: 'append' } & PreparedTouchpoint) | ({ readonly kind: 'dead-letter' } & IntakeRefusal);

export interface IntakeContext extends NormalizationPolicy {
  readonly catalog: SchemaCatalog;
  /** When the platform took the message, an ISO UTC instant: the touchpoint's receivedAt. */
  readonly receivedAt: string;
}

/**
 * Decides what becomes of one message of the raw topic: its touchpoint, validated and normalised
 * by the rules of HTTP ingestion, to append; or a refusal to dead-letter. The value is Avro in the
 * Confluent wire format, or a touchpoint as JSON as POST /v1/touchpoints takes it.
 *
 * `source` is where the message was first read ("<topic>/<partition>:<offset>"): a JSON touchpoint
 * without an eventId gets an id derived from it, so reading the message again appends nothing new.
 */
export function classifyIntakeMessage(value: Buffer | null, source: string, context: IntakeContext): IntakeDecision {
  if (!value || value.length === 0) {
    return refuse('UNDECODABLE', 'the message has no value: produce one touchpoint per message, as Avro in the Confluent wire format or as JSON');
  }
  // The wire format's magic byte; JSON text never starts with a zero byte.
  const read = value[0] === 0 ? readAvro(value, context.catalog) : readJson(value);
  if ('code' in read) return { kind: 'dead-letter', ...read };

  const prepared = prepareTouchpoints([read.body], { ...context, newEventId: () => intakeEventId(source) });
  if (!prepared.ok) return refuse('INVALID_TOUCHPOINT', prepared.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  return { kind: 'append', ...prepared.touchpoints[0] };
}

/** The event id of a touchpoint that came without one, from where it was first read. */
export function intakeEventId(source: string): string {
  return deterministicEventId('touchpoint-intake', source);
}

type Read = { readonly body: unknown } | IntakeRefusal;

function readAvro(value: Buffer, catalog: SchemaCatalog): Read {
  let schemaId: number;
  try {
    ({ schemaId } = unframeConfluent(value));
  } catch (error) {
    return { code: 'UNDECODABLE', reason: (error as Error).message };
  }
  const writer = catalog.byId(schemaId);
  if (!writer) {
    return { code: 'UNKNOWN_SCHEMA_ID', reason: `schema id ${schemaId} is not in the registry (schemas/schema-ids.json): register the touchpoint type, then replay` };
  }
  if (writer.kind !== 'touchpoint') {
    return { code: 'UNKNOWN_SCHEMA_ID', reason: `schema id ${schemaId} is of ${writer.subject}, not a touchpoint schema: use the id of the type's schema (GET /registry/subjects)` };
  }
  let decoded: { type: string; data: unknown };
  try {
    decoded = touchpointCodec(catalog).decode(value);
  } catch (error) {
    return { code: 'UNDECODABLE', reason: `the value does not decode as Avro of schema id ${schemaId} (${writer.touchpointType}): ${(error as Error).message}` };
  }
  // Avro records as the plain JSON data that validation reads; receivedAt is the platform's to set.
  const { receivedAt: _ignored, ...body } = JSON.parse(JSON.stringify(decoded.data)) as Record<string, unknown>;
  if (body.type !== decoded.type) {
    return { code: 'INVALID_TOUCHPOINT', reason: `type: is "${String(body.type)}", but schema id ${schemaId} is the schema of ${decoded.type} touchpoints` };
  }
  return { body };
}

function readJson(value: Buffer): Read {
  // Decoding would replace the bytes with U+FFFD, and the touchpoint would be kept changed.
  if (!isUtf8(value)) return { code: 'UNDECODABLE', reason: 'the value is not valid UTF-8: produce JSON encoded as UTF-8, or Avro' };
  let body: unknown;
  try {
    // As the HTTP body is read: every number keeps its exact text, so money converts exactly.
    // A byte-order mark before the JSON is read past, as the HTTP body parser reads past it.
    body = parse(value.toString('utf8').replace(/^\ufeff/, ''));
  } catch (error) {
    return { code: 'UNDECODABLE', reason: `neither Avro in the Confluent wire format (a zero magic byte first) nor JSON: ${(error as Error).message}` };
  }
  if (typeof body === 'object' && body !== null && Array.isArray((body as { touchpoints?: unknown }).touchpoints)) {
    return { code: 'INVALID_TOUCHPOINT', reason: 'touchpoints: a message carries one touchpoint; produce each touchpoint of a batch as its own message' };
  }
  return { body };
}

function refuse(code: IntakeRefusalCode, reason: string): IntakeDecision {
  return { kind: 'dead-letter', code, reason };
}
