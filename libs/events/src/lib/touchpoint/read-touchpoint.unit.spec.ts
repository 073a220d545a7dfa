import { parse } from 'lossless-json';
import { DEFAULT_SCHEMAS_DIR, loadSchemaCatalog, readSchemaSources } from '../catalog/load-schema-catalog';
import { SchemaCatalog } from '../catalog/schema-catalog';
import { purchaseAtV2 } from '../avro/purchase-at-v2.fixture';
import { touchpointExamples } from './touchpoint-examples';
import { readTouchpoint } from './read-touchpoint';

const catalog = loadSchemaCatalog();
const arrival = { eventId: '11111111-2222-4333-8444-555555555555', receivedAt: '2026-11-23T08:00:00.000Z' };
const read = (json: unknown) => readTouchpoint(json, catalog, arrival);
const errorsOf = (json: unknown) => {
  const result = read(json);
  if (result.ok) throw new Error('expected the touchpoint to be refused');
  return result.errors;
};

describe('readTouchpoint', () => {
  it.each(Object.entries(touchpointExamples))('accepts the %s sample and fills the schema defaults', (_, sample) => {
    const result = read(sample);
    expect(result).toMatchObject({ ok: true, value: { eventId: arrival.eventId, receivedAt: arrival.receivedAt, attributes: {} } });
  });

  it('normalises instants to UTC with milliseconds', () => {
    const result = read(touchpointExamples.refund);
    expect(result.ok && result.value.occurredAt).toBe('2026-11-21T05:30:00.000Z');
  });

  it('keeps an event id given by the source, lower-cased', () => {
    const result = read({ ...touchpointExamples.visit, eventId: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE' });
    expect(result.ok && result.value.eventId).toBe('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
  });

  it('converts a JSON number amount exactly, from its text', () => {
    const body = parse(JSON.stringify(touchpointExamples.purchase).replace('"amount":"300000"', '"amount":300000.10'));
    const result = read(body);
    expect(result.ok && result.value.payload).toMatchObject({ amount: '300000.10' });
  });

  it.each([
    ['1e3', '1000'],
    ['"0012.5"', '12.5'],
    ['1.25e-1', '0.125'],
    ['123456789012345.123', '123456789012345.123'],
    ['"12.5000"', '12.5000'],
  ])('reads the money amount %s as %s', (given, expected) => {
    const body = parse(JSON.stringify(touchpointExamples.refund).replace('"amount":"150000"', `"amount":${given}`));
    const result = read(body);
    expect(result.ok && result.value.payload).toMatchObject({ amount: expected });
  });

  it.each(['"10.0001"', '0.30000000000000004', '"1000000000000000"', '1e20', '1e999999999', '1e-999999999', '"12345678901234567890.123"', '"12.50001"'])(
    'refuses the order total %s, beyond 15 digits before the point or 3 after, without writing it out',
    (given) => {
      const body = parse(JSON.stringify(touchpointExamples.refund).replace('"amount":"150000"', `"amount":${given}`));
      expect(errorsOf(body)).toEqual([
        { path: 'payload.amount', message: 'must be a non-negative decimal amount, as a string ("300000.50") or a number, with at most 15 digits before the point and 3 after' },
      ]);
    },
  );

  it('takes a price in a list finer than an order total may be, and still refuses an exponent it would have to write out', () => {
    const withPrice = (unitPrice: unknown) => ({ ...touchpointExamples.purchase, payload: { ...touchpointExamples.purchase.payload, items: [{ sku: 'fuel-95', quantity: 40, unitPrice }] } });
    const result = read(withPrice('1.2345'));
    expect(result.ok && (result.value.payload.items as { unitPrice: string }[])[0].unitPrice).toBe('1.2345');
    expect(errorsOf(withPrice('1e999999999')).map((e) => e.path)).toEqual(['payload.items[0].unitPrice']);
  });

  it('refuses a time before 1970, which the analytics tables cannot hold', () => {
    expect(errorsOf({ ...touchpointExamples.visit, occurredAt: '1969-12-31T23:59:59Z' })).toEqual([
      { path: 'occurredAt', message: 'is before 1970-01-01T00:00:00.000Z, the earliest time the platform keeps: check the source clock' },
    ]);
    expect(read({ ...touchpointExamples.visit, occurredAt: '1970-01-01T00:00:00Z' }).ok).toBe(true);
  });

  it('refuses text Postgres cannot store, in values and in keys', () => {
    const errors = errorsOf({
      ...touchpointExamples.profile_update,
      traits: { firstName: 'Sa\u0000ra', lastName: 'Sa\ud800' },
      payload: { ...touchpointExamples.profile_update.payload, preferences: { 'sauce\u0000': 'no spicy sauce' } },
    });
    expect(errors).toEqual([
      { path: 'traits.firstName', message: 'must not contain the NUL character (\\u0000) or half of a UTF-16 surrogate pair' },
      { path: 'traits.lastName', message: 'must not contain the NUL character (\\u0000) or half of a UTF-16 surrogate pair' },
      { path: 'payload.preferences["sauce\\u0000"]', message: 'is a key that contains the NUL character (\\u0000) or half of a UTF-16 surrogate pair, which cannot be stored' },
    ]);
    expect(read({ ...touchpointExamples.visit, traits: { firstName: 'Sara 😀' } }).ok).toBe(true);
  });

  it('keeps consent channels lower-case, refuses unknown ones, and lets a denial win over a grant of the same channel', () => {
    const result = read({ ...touchpointExamples.profile_update, consent: { ' Email ': 'granted' }, payload: { ...touchpointExamples.profile_update.payload, consent: { SMS: 'granted', sms: 'denied' } } });
    expect(result.ok && result.value.consent).toEqual({ email: 'granted' });
    expect(result.ok && result.value.payload.consent).toEqual({ sms: 'denied' });

    expect(errorsOf({ ...touchpointExamples.visit, consent: { whatsapp: 'granted', '': 'denied' } })).toEqual([
      { path: 'consent.whatsapp', message: 'is not a consent channel; the channels are email, sms, phone, push' },
      { path: 'consent[""]', message: 'is not a consent channel; the channels are email, sms, phone, push' },
    ]);
  });

  it('reads a status in any case, and a channel or status with invisible characters around it, as the platform keeps them; refuses any other status at its path', () => {
    const result = read({
      ...touchpointExamples.profile_update,
      consent: { '\u200bSMS': ' Denied ', push: 'GRANTED' },
      payload: { ...touchpointExamples.profile_update.payload, consent: { email: 'DENIED\u200b' } },
    });
    expect(result.ok && result.value.consent).toEqual({ sms: 'denied', push: 'granted' });
    expect(result.ok && result.value.payload.consent).toEqual({ email: 'denied' });

    const refused = errorsOf({ ...touchpointExamples.visit, consent: { sms: 'revoked', email: 'no' } });
    expect(refused.map((error) => error.path)).toEqual(['consent.sms', 'consent.email']);
  });

  it("refuses a negative call duration and social reach, as their manifests' bounds say", () => {
    expect(errorsOf({ ...touchpointExamples.call, payload: { ...touchpointExamples.call.payload, durationSec: -5 } })).toEqual([{ path: 'payload.durationSec', message: 'must be at least 0, not -5' }]);
    expect(errorsOf({ ...touchpointExamples.social_mention, payload: { ...touchpointExamples.social_mention.payload, reach: -1 } })).toEqual([{ path: 'payload.reach', message: 'must be at least 0, not -1' }]);
  });

  it('locates every error by its field path', () => {
    const errors = errorsOf({
      ...touchpointExamples.purchase,
      eventId: 'not-a-uuid',
      occurredAt: '2026-11-20 10:15',
      colour: 'red',
      payload: { ...touchpointExamples.purchase.payload, amount: '-5', currency: 'XYZ', items: [{ sku: 'a', quantity: 1.5, unitPrice: 'ten' }] },
    });
    expect(errors.map((e) => e.path).sort()).toEqual(
      ['colour', 'eventId', 'occurredAt', 'payload.amount', 'payload.currency', 'payload.items[0].quantity', 'payload.items[0].unitPrice'].sort(),
    );
    expect(errors.find((e) => e.path === 'colour')?.message).toMatch(/is not a field of .*Purchase; its fields are eventId/);
  });

  it("takes a touchpoint a producer still on an earlier version sends, read as the latest version reads it; when no version takes it, the latest's errors", () => {
    const upgraded = purchaseAtV2();
    const { location, ...v2Payload } = touchpointExamples.purchase.payload;

    expect(readTouchpoint(touchpointExamples.purchase, upgraded, arrival)).toMatchObject({ ok: true, value: { payload: { ...v2Payload, store: location, giftWrap: false } } });
    expect(readTouchpoint({ ...touchpointExamples.purchase, payload: { ...v2Payload, store: 'Shiraz' } }, upgraded, arrival)).toMatchObject({ ok: true, value: { payload: { store: 'Shiraz', giftWrap: false } } });
    const refused = readTouchpoint({ ...touchpointExamples.purchase, payload: { ...touchpointExamples.purchase.payload, amount: 'ten' } }, upgraded, arrival);
    expect(refused).toEqual({
      ok: false,
      errors: expect.arrayContaining([{ path: 'payload.location', message: expect.stringContaining('its fields are orderId, amount, currency, items, channel, store, giftWrap') }, expect.objectContaining({ path: 'payload.amount' })]),
    });
  });

  it("checks the money of a touchpoint in an earlier version's shape as the latest version's money", () => {
    const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
    const purchase = sources.touchpoints.purchase;
    const v1 = purchase.payloads.v1 as { fields: { name: string }[] };
    const v2 = { ...v1, fields: v1.fields.map((field) => (field.name === 'amount' ? { ...field, name: 'total', aliases: ['amount'] } : field)) };
    const money = purchase.manifest.money.map((m) => (m.amount === 'amount' ? { ...m, amount: 'total' } : m));
    const id = Math.max(...sources.ids.map((entry) => entry.id)) + 1;
    const renamed = new SchemaCatalog({
      ...sources,
      touchpoints: { ...sources.touchpoints, purchase: { ...purchase, manifest: { ...purchase.manifest, money }, payloads: { v1, v2 } } },
      ids: [...sources.ids, { id, schema: 'touchpoints/purchase', payload: 'v2', envelope: 'v1' }],
    });
    const sentAsV1 = (amount: unknown) => readTouchpoint({ ...touchpointExamples.purchase, payload: { ...touchpointExamples.purchase.payload, amount } }, renamed, arrival);

    expect(sentAsV1('300000.50')).toMatchObject({ ok: true, value: { payload: { total: '300000.50' } } });
    expect(sentAsV1('ten')).toEqual({ ok: false, errors: [{ path: 'payload.total', message: expect.stringContaining('must be a non-negative decimal amount') }] });
  });

  it('names the known types when the type is unknown', () => {
    expect(errorsOf({ ...touchpointExamples.visit, type: 'telepathy' })).toEqual([
      { path: 'type', message: expect.stringContaining('known types are call, profile_update, purchase') },
    ]);
  });

  it('refuses a receivedAt from the source, missing required fields, and wrong enum symbols', () => {
    const { outcome: _dropped, ...payload } = touchpointExamples.call.payload;
    const errors = errorsOf({ ...touchpointExamples.call, receivedAt: '2026-01-01T00:00:00Z', payload: { ...payload, direction: 'sideways' } });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'receivedAt', message: expect.stringContaining('set by the platform') },
        { path: 'payload.outcome', message: 'is required' },
        { path: 'payload.direction', message: 'must be one of: inbound, outbound' },
      ]),
    );
  });

  it('refuses impossible dates and instants far in the future', () => {
    const errors = errorsOf({
      ...touchpointExamples.profile_update,
      occurredAt: '2026-12-30T00:00:00Z',
      payload: { ...touchpointExamples.profile_update.payload, importantDates: { birthday: '1990-02-30' } },
    });
    expect(errors.map((e) => e.path)).toEqual(['payload.importantDates.birthday', 'occurredAt']);
  });

  it('takes an occurredAt up to a day after its arrival, a clock ahead, and refuses one a millisecond later', () => {
    // The arrival is 2026-11-23T08:00:00.000Z.
    expect(read({ ...touchpointExamples.visit, occurredAt: '2026-11-24T08:00:00.000Z' })).toMatchObject({ ok: true });
    expect(errorsOf({ ...touchpointExamples.visit, occurredAt: '2026-11-24T08:00:00.001Z' })).toEqual([{ path: 'occurredAt', message: expect.stringContaining('more than a day after') }]);
  });

  it('refuses an order line of no or fewer items, located', () => {
    const purchase = touchpointExamples.purchase;
    const lines = [purchase.payload.items[0], { ...purchase.payload.items[0], quantity: -1 }];
    expect(errorsOf({ ...purchase, payload: { ...purchase.payload, items: lines } })).toEqual([{ path: 'payload.items[1].quantity', message: 'must be at least 1, not -1' }]);
  });

  it('refuses a date in a Solar Hijri year, as an Iranian system keeps it, and says so', () => {
    const dated = (birthday: string) => ({ ...touchpointExamples.profile_update, payload: { ...touchpointExamples.profile_update.payload, importantDates: { birthday } } });
    expect(errorsOf(dated('1369-05-12'))).toEqual([
      { path: 'payload.importantDates.birthday', message: 'is in 1369, a Solar Hijri (Persian calendar) year rather than a Gregorian one: send the Gregorian date (Solar Hijri 1369 began in 1990)' },
    ]);
    expect(read(dated('1990-08-03')).ok).toBe(true);
    expect(errorsOf(dated('1299-12-29'))).toEqual([
      { path: 'payload.importantDates.birthday', message: 'is in 1299, a Solar Hijri (Persian calendar) year rather than a Gregorian one: send the Gregorian date (Solar Hijri 1299 began in 1920)' },
    ]);
    expect(errorsOf({ ...touchpointExamples.visit, occurredAt: '1405-09-10T10:00:00+03:30' })).toEqual([
      { path: 'occurredAt', message: 'is in 1405, a Solar Hijri (Persian calendar) year rather than a Gregorian one: send the Gregorian instant (Solar Hijri 1405 began in 2026)' },
    ]);
  });

  it.each(['0001-01-01', '1753-01-01', '1900-01-01'])('refuses %s, the empty date of many systems, where the customer gave none', (passportExpiry) => {
    const dated = { ...touchpointExamples.profile_update, payload: { ...touchpointExamples.profile_update.payload, importantDates: { passportExpiry } } };
    expect(errorsOf(dated)).toEqual([
      { path: 'payload.importantDates.passportExpiry', message: `is ${passportExpiry}, on or before 1900-01-01: the empty date of many systems (0001-01-01, 1900-01-01) rather than a customer's; leave the field out when there is no date` },
    ]);
  });

  it.each(['2106-01-01', '2207-01-01', '9999-12-31'])('refuses %s, past the last date analytics reads: a "no end" date or a typo of the year', (passportExpiry) => {
    const dated = { ...touchpointExamples.profile_update, payload: { ...touchpointExamples.profile_update.payload, importantDates: { passportExpiry } } };
    expect(errorsOf(dated)).toEqual([
      { path: 'payload.importantDates.passportExpiry', message: `is ${passportExpiry}, after 2105-12-31: the "no end" date of some systems (9999-12-31) or a typo of the year rather than a customer's; leave the field out when there is no date` },
    ]);
    const lastDay = { ...dated, payload: { ...dated.payload, importantDates: { passportExpiry: '2105-12-31' } } };
    expect(read(lastDay).ok).toBe(true);
  });

  it.each([
    ['1990-02-29', 'must be a calendar date "YYYY-MM-DD": 1990-02 has days 1 to 28, not 29'],
    ['2028-04-31', 'must be a calendar date "YYYY-MM-DD": 2028-04 has days 1 to 30, not 31'],
    ['1990-01-00', 'must be a calendar date "YYYY-MM-DD": 1990-01 has days 1 to 31, not 0'],
    ['1990-13-01', 'must be a calendar date "YYYY-MM-DD": there is no month 13'],
    ['۱۹۹۰-۰۸-۰۳', 'must be a calendar date "YYYY-MM-DD" written with the digits 0-9'],
    ['3 Aug 1990', 'must be a calendar date "YYYY-MM-DD"'],
  ])('says why %s is no calendar date', (birthday, message) => {
    const dated = { ...touchpointExamples.profile_update, payload: { ...touchpointExamples.profile_update.payload, importantDates: { birthday } } };
    expect(errorsOf(dated)).toEqual([{ path: 'payload.importantDates.birthday', message }]);
  });

  it("refuses a birthday after the day the touchpoint happened, with a day's grace for the customer's time zone", () => {
    const born = (birthday: string) => ({ ...touchpointExamples.profile_update, occurredAt: '2026-11-20T21:00:00Z', payload: { ...touchpointExamples.profile_update.payload, importantDates: { birthday } } });
    expect(errorsOf(born('2031-05-01'))).toEqual([
      { path: 'payload.importantDates.birthday', message: 'is 2031-05-01, after the touchpoint happened (2026-11-20T21:00:00.000Z): a birthday is in the past; check its year' },
    ]);
    expect(errorsOf(born('2026-11-22')).map((e) => e.path)).toEqual(['payload.importantDates.birthday']);
    expect(read(born('2026-11-21')).ok).toBe(true);
    expect(read({ ...born('2031-05-01'), payload: { ...touchpointExamples.profile_update.payload, importantDates: { passportExpiry: '2031-05-01' } } }).ok).toBe(true);
  });

  it.each(['IRT', 'tmn', 'Toman', 'تومان'])('refuses the toman %j, saying to send rials', (currency) => {
    expect(errorsOf({ ...touchpointExamples.purchase, payload: { ...touchpointExamples.purchase.payload, currency } })).toEqual([
      { path: 'payload.currency', message: 'names the toman, which has no ISO 4217 code: send the amount in rials, ten times the tomans, with "IRR"' },
    ]);
  });

  it.each([
    ['2026-02-30T10:00:00Z', 'is not a date: 2026-02 has no day 30'],
    ['2026-04-31T00:00:00Z', 'is not a date: 2026-04 has no day 31'],
    ['2026-13-01T00:00:00Z', 'is not a date: months run 01 to 12, not 13'],
    ['2026-11-20T24:00:00Z', expect.stringMatching(/^is not a time of day: hours run 00 to 23/)],
    ['2026-11-20T10:15:00+24:00', expect.stringMatching(/^has an offset of more than 14 hours/)],
    ['2026-11-20T10:15:00+03:60', expect.stringMatching(/^has an offset that is not one/)],
    ['2026-11-20T10:15:00', expect.stringMatching(/^has no time zone: add "Z" for UTC/)],
    ['yesterday', expect.stringMatching(/^must be an ISO 8601 instant with a time zone, e.g. "2026-11-20T10:15:00Z"/)],
  ])('refuses the impossible instant %s, which Date.parse would roll over, saying why', (occurredAt, message) => {
    expect(errorsOf({ ...touchpointExamples.visit, occurredAt })).toEqual([{ path: 'occurredAt', message }]);
  });

  it('refuses a body that is not an object', () => {
    expect(errorsOf([1, 2])).toEqual([{ path: '(root)', message: 'a touchpoint must be a JSON object' }]);
  });
});
