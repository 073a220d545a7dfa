import { frameConfluent, loadSchemaCatalog, touchpointExamples } from '@cdp/events';
import { classifyIntakeMessage, intakeEventId, type IntakeContext } from './classify-intake-message';

const catalog = loadSchemaCatalog();
const context: IntakeContext = { catalog, receivedAt: '2026-11-23T08:00:00.000Z', defaultPhoneRegion: 'IR' };
const source = 'cdp.touchpoints.raw.v1/2:41';
const classify = (value: Buffer | null, at = source) => classifyIntakeMessage(value, at, context);
const json = (body: unknown) => Buffer.from(JSON.stringify(body));

const visitSchema = catalog.latest('visit')!;
/** A visit as an Avro producer writes it: every envelope field, with a receivedAt of its own. */
const avroVisit = (overrides: Record<string, unknown> = {}) =>
  frameConfluent(
    visitSchema.id,
    visitSchema.type.toBuffer({
      eventId: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE',
      type: 'visit',
      source: 'web',
      occurredAt: '2026-11-22T08:30:00.000Z',
      receivedAt: '2020-01-01T00:00:00.000Z',
      identifiers: { customerId: null, email: ' Sara@Example.com ', phone: null, loyaltyCard: null, socialHandle: null, deviceId: null },
      traits: null,
      consent: null,
      attributes: {},
      payload: { channel: 'web', location: '/menu', durationSec: 95, purpose: null },
      ...overrides,
    }),
  );

describe('classifyIntakeMessage: what the intake appends', () => {
  it('appends an Avro touchpoint with its own event id, received when the intake took it, normalised as over HTTP', () => {
    expect(classify(avroVisit())).toEqual({
      kind: 'append',
      streamId: 'touchpoints-email:sara@example.com',
      touchpoint: expect.objectContaining({
        eventId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
        receivedAt: context.receivedAt,
        identifiers: expect.objectContaining({ email: 'sara@example.com' }),
        payload: { channel: 'web', location: '/menu', durationSec: 95, purpose: null },
      }),
    });
  });

  it('gives a JSON touchpoint without an event id one derived from where it was read, the same on every read', () => {
    const first = classify(json(touchpointExamples.purchase));
    expect(first).toMatchObject({ kind: 'append', touchpoint: { eventId: intakeEventId(source), receivedAt: context.receivedAt } });
    expect(classify(json(touchpointExamples.purchase))).toEqual(first);
    expect(intakeEventId('cdp.touchpoints.raw.v1/2:42')).not.toBe(intakeEventId(source));
  });

  it('reads past a byte-order mark before a JSON touchpoint, as the HTTP body parser does', () => {
    const json = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(touchpointExamples.visit))]);
    expect(classify(json)).toMatchObject({ kind: 'append' });
  });

  it('keeps the event id a JSON touchpoint carries, and converts a money number exactly', () => {
    const body = Buffer.from(
      JSON.stringify({ ...touchpointExamples.refund, eventId: '0b7f2c1e-5f4a-4c3e-9d1a-6a2b8c9d0e1f' }).replace('"amount":"150000"', '"amount":150000.10'),
    );
    expect(classify(body)).toMatchObject({ kind: 'append', touchpoint: { eventId: '0b7f2c1e-5f4a-4c3e-9d1a-6a2b8c9d0e1f', payload: { amount: '150000.10' } } });
  });
});

describe('classifyIntakeMessage: what the intake dead-letters', () => {
  it('refuses a schema id the registry does not hold, or one that is not a touchpoint schema', () => {
    expect(classify(frameConfluent(999, Buffer.from([2, 4])))).toEqual({
      kind: 'dead-letter',
      code: 'UNKNOWN_SCHEMA_ID',
      reason: expect.stringMatching(/^schema id 999 is not in the registry .*: register the touchpoint type, then replay$/),
    });
    const feedSchema = catalog.latestOf('cdp.customer-profiles.v1-value')!;
    expect(classify(frameConfluent(feedSchema.id, Buffer.from([0])))).toMatchObject({ code: 'UNKNOWN_SCHEMA_ID', reason: expect.stringContaining('not a touchpoint schema') });
  });

  it.each([
    ['no value', null, /has no value/],
    ['an empty value', Buffer.alloc(0), /has no value/],
    ['a frame too short for a schema id', Buffer.from([0, 0, 1]), /Confluent wire format/],
    ['Avro cut short', avroVisit().subarray(0, 20), new RegExp(`does not decode as Avro of schema id ${visitSchema.id} \\(visit\\): truncated buffer`)],
    ['bytes that are neither Avro nor JSON', Buffer.from('\u0001\u0002 not a touchpoint'), /neither Avro .* nor JSON/],
    ['JSON whose bytes are not UTF-8', Buffer.concat([Buffer.from('{"type":"visit","traits":{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]), /not valid UTF-8/],
  ])('refuses %s as undecodable', (_, value, reason) => {
    expect(classify(value)).toEqual({ kind: 'dead-letter', code: 'UNDECODABLE', reason: expect.stringMatching(reason) });
  });

  it('refuses an invalid touchpoint with every located error, readable', () => {
    const body = { ...touchpointExamples.purchase, identifiers: { customerId: 'null' }, payload: { ...touchpointExamples.purchase.payload, amount: '-5' } };
    expect(classify(json(body))).toEqual({
      kind: 'dead-letter',
      code: 'INVALID_TOUCHPOINT',
      reason:
        'payload.amount: must be a non-negative decimal amount, as a string ("300000.50") or a number, with at most 15 digits before the point and 3 after; ' +
        'identifiers: needs at least one real identifier (customerId, loyaltyCard, email, phone, socialHandle, deviceId); placeholders such as "null", "0" or "guest", and a phone typed as "1234567890", do not count',
    });
    expect(classify(json({ ...touchpointExamples.visit, identifiers: {} }))).toEqual({
      kind: 'dead-letter',
      code: 'INVALID_TOUCHPOINT',
      reason: expect.stringMatching(/^identifiers: needs at least one real identifier/),
    });
    expect(classify(json({ ...touchpointExamples.visit, colour: 'red', occurredAt: 'yesterday' }))).toMatchObject({
      reason: expect.stringMatching(/^colour: is not a field of .*; occurredAt: must be an ISO 8601 instant/),
    });
  });

  it('refuses an Avro touchpoint whose type is not its schema\'s, and one with an event id that is not a UUID', () => {
    expect(classify(avroVisit({ type: 'purchase' }))).toEqual({
      kind: 'dead-letter',
      code: 'INVALID_TOUCHPOINT',
      reason: `type: is "purchase", but schema id ${visitSchema.id} is the schema of visit touchpoints`,
    });
    expect(classify(avroVisit({ eventId: 'order-17' }))).toMatchObject({ code: 'INVALID_TOUCHPOINT', reason: 'eventId: must be a UUID, e.g. 0b7f2c1e-…' });
  });

  it('refuses a batch: a message carries one touchpoint', () => {
    expect(classify(json({ touchpoints: [touchpointExamples.visit] }))).toMatchObject({ code: 'INVALID_TOUCHPOINT', reason: expect.stringContaining('its own message') });
  });
});
