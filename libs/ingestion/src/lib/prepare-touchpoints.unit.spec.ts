import { loadSchemaCatalog, touchpointExamples } from '@cdp/events';
import { MAX_BATCH_SIZE, MAX_TOUCHPOINT_BYTES, prepareTouchpoints, type IngestionContext } from './prepare-touchpoints';

let ids = 0;
const context: IngestionContext = {
  catalog: loadSchemaCatalog(),
  receivedAt: '2026-11-23T08:00:00.000Z',
  newEventId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  defaultPhoneRegion: 'IR',
};

describe('prepareTouchpoints', () => {
  it('prepares every sample, keyed by its most trustworthy identifier', () => {
    const result = prepareTouchpoints(Object.values(touchpointExamples), context);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));

    expect(result.touchpoints.map((t) => t.streamId)).toEqual([
      'touchpoints-customerId:c-42',
      'touchpoints-customerId:c-42',
      'touchpoints-phone:+989121234567',
      'touchpoints-deviceId:dev-5f2a',
      'touchpoints-socialHandle:sara.eats',
      'touchpoints-email:sara.ahmadi@example.com',
    ]);
    expect(result.touchpoints[0].touchpoint.identifiers).toMatchObject({ email: 'sara.ahmadi@example.com', customerId: 'c-42' });
  });

  it('takes identifiers from the payload fields the manifest names', () => {
    const result = prepareTouchpoints([touchpointExamples.social_mention], context);
    expect(result.ok && result.touchpoints[0].touchpoint.identifiers.socialHandle).toBe('sara.eats');
  });

  it("keeps the envelope's identifier where the payload field the manifest names holds another", () => {
    const mention = { ...touchpointExamples.social_mention, identifiers: { socialHandle: 'sara.official' } };
    const result = prepareTouchpoints([mention], context);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.touchpoints[0].touchpoint.identifiers.socialHandle).toBe('sara.official');
    expect(result.touchpoints[0].streamId).toBe('touchpoints-socialHandle:sara.official');
  });

  it('lists the errors of every touchpoint by index and path, and prepares none', () => {
    const result = prepareTouchpoints(
      [
        touchpointExamples.visit,
        { ...touchpointExamples.call, identifiers: { phone: '12' } },
        { ...touchpointExamples.purchase, identifiers: { customerId: 'null', email: 'undefined' }, payload: { ...touchpointExamples.purchase.payload, currency: 'ABC' } },
        // A bad identifier is named with the touchpoint's other errors, not after they are fixed.
        { ...touchpointExamples.call, identifiers: { phone: '+98 912 345 678', email: 'nope', deviceId: 7 }, payload: { ...touchpointExamples.call.payload, direction: 'sideways' } },
      ],
      context,
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { index: 1, path: 'identifiers.phone', message: expect.stringContaining('phone number in region IR') },
        { index: 2, path: 'payload.currency', message: expect.stringContaining('ISO 4217') },
        { index: 2, path: 'identifiers', message: expect.stringContaining('at least one real identifier') },
        { index: 3, path: 'identifiers.deviceId', message: 'must be a string' },
        { index: 3, path: 'payload.direction', message: 'must be one of: inbound, outbound' },
        { index: 3, path: 'identifiers.email', message: 'is not an email address' },
        { index: 3, path: 'identifiers.phone', message: 'is not a valid phone number of the country its code names: check its digits' },
      ],
    });
  });

  it('counts a payload field the manifest names as an identifier when the touchpoint is refused for another reason', () => {
    const mention = touchpointExamples.social_mention;
    const result = prepareTouchpoints([{ ...mention, payload: { ...mention.payload, sentiment: 'meh' } }, { ...mention, payload: { ...mention.payload, sentiment: 'meh', handle: 'null' } }], context);
    expect(result.ok === false && result.errors.map((e) => `${e.index} ${e.path}`)).toEqual(['0 payload.sentiment', '1 payload.sentiment', '1 identifiers']);
  });

  it('refuses a touchpoint whose only identifiers are placeholders', () => {
    const result = prepareTouchpoints([{ ...touchpointExamples.visit, identifiers: { deviceId: '00000000' } }], context);
    expect(result).toEqual({ ok: false, errors: [{ index: 0, path: 'identifiers', message: expect.stringContaining('at least one real identifier') }] });
  });

  it('keeps a touchpoint repeated in a batch, and refuses an event id given to two different touchpoints', () => {
    const eventId = '0b7f2c1e-5f4a-4c3e-9d1a-6a2b8c9d0e1f';
    const visit = { ...touchpointExamples.visit, eventId, traits: { city: 'Tehran', diet: 'vegetarian' } };
    const traitsReordered = { ...visit, traits: { diet: 'vegetarian', city: 'Tehran' } };
    expect(prepareTouchpoints([visit, touchpointExamples.call, traitsReordered], context).ok).toBe(true);

    const result = prepareTouchpoints([visit, touchpointExamples.call, { ...visit, occurredAt: '2026-11-20T10:00:00Z' }], context);
    expect(result).toEqual({
      ok: false,
      errors: [{ index: 2, path: 'eventId', message: 'touchpoint 0 of this batch has the same eventId with other content; give each touchpoint its own eventId' }],
    });
  });

  it('refuses an empty batch and one over the limit', () => {
    expect(prepareTouchpoints([], context)).toMatchObject({ ok: false, errors: [{ message: 'the batch is empty' }] });
    const tooMany = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => touchpointExamples.visit);
    expect(prepareTouchpoints(tooMany, context)).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('at most 1000') }] });
  });

  it('refuses, located, what the stores could not keep: a touchpoint over the size a Kafka message takes, an identifier too long to index, a nil event id, a blank source', () => {
    const visit = touchpointExamples.visit;
    const big = { ...visit, traits: { notes: 'x'.repeat(MAX_TOUCHPOINT_BYTES) } };
    const result = prepareTouchpoints(
      [
        visit,
        big,
        { ...visit, identifiers: { deviceId: 'd'.repeat(3000) } },
        { ...visit, eventId: '00000000-0000-0000-0000-000000000000' },
        { ...visit, source: ' \u200b ' },
      ],
      context,
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { index: 1, path: '(root)', message: expect.stringMatching(/^is 524,\d{3} bytes as JSON; a touchpoint holds at most 524,288/) },
        { index: 2, path: 'identifiers.deviceId', message: 'is 3000 characters long; an identifier holds at most 256' },
        { index: 3, path: 'eventId', message: expect.stringContaining('is the nil UUID') },
        { index: 4, path: 'source', message: 'must name the system that reported the touchpoint, e.g. pos-store-12' },
      ],
    });
    expect(prepareTouchpoints([{ ...visit, traits: { notes: 'x'.repeat(MAX_TOUCHPOINT_BYTES - 2_000) } }], context).ok).toBe(true);
  });
});
