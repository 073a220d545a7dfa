import { loadSchemaCatalog, readTouchpoint, touchpointExamples, type Touchpoint } from '@cdp/events';
import { AnalyticsRowError } from './analytics-row.error';
import { analyticsRowsOf } from './analytics-rows';

const accepted = readTouchpoint(touchpointExamples.purchase, loadSchemaCatalog(), { eventId: '00000000-0000-4000-8000-000000000001', receivedAt: '2026-11-23T08:00:00.000Z' });
if (!accepted.ok) throw new Error('the purchase sample must be valid');

/** The purchase sample as the log holds it, with what ingestion refuses today put back in, as a log written before may hold it. */
const purchase = (overrides: { occurredAt?: string; amount?: string }): Touchpoint => ({
  ...accepted.value,
  ...(overrides.occurredAt ? { occurredAt: overrides.occurredAt } : {}),
  payload: { ...accepted.value.payload, ...(overrides.amount ? { amount: overrides.amount } : {}) },
});

describe('analyticsRowsOf', () => {
  it('writes a purchase with its amount exact and its time as Unix time', () => {
    const rows = analyticsRowsOf(purchase({ amount: '0300000.50' }), 'store');
    expect(rows.purchase).toMatchObject({ amount: '300000.50', occurred_at: accepted.value.occurredAt.slice(0, 19).replace('T', ' '), occurred_at_ms: Date.parse(accepted.value.occurredAt) });
  });

  it("keeps the touchpoint's JSON in the envelope's order, the payload last, however the log handed its keys back", () => {
    // PGlite's jsonb hands keys back shortest first: consent before identifiers.
    const { identifiers, payload, ...rest } = accepted.value;
    const shuffled = { payload, ...Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.length - b.length || a.localeCompare(b))), identifiers } as Touchpoint;
    const keys = Object.keys(JSON.parse(analyticsRowsOf(shuffled, 'store').touchpoint.touchpoint));
    expect(keys).toEqual(['eventId', 'type', 'source', 'occurredAt', 'receivedAt', 'identifiers', 'traits', 'consent', 'attributes', 'payload']);
  });

  it('writes a row per consent channel a touchpoint tells, its payload too for a profile_update, denied winning within it, and a row per important date', () => {
    const told = readTouchpoint({ ...touchpointExamples.profile_update, consent: { sms: 'granted', push: 'granted' } }, loadSchemaCatalog(), {
      eventId: '00000000-0000-4000-8000-000000000002',
      receivedAt: '2026-11-23T08:00:00.000Z',
    });
    if (!told.ok) throw new Error(JSON.stringify(told.errors));
    const payloadConsent = touchpointExamples.profile_update.payload.consent as Record<string, string>;
    const rows = analyticsRowsOf(told.value, null);
    const expected = { ...payloadConsent, push: 'granted', sms: payloadConsent['sms'] === 'denied' ? 'denied' : 'granted' };
    expect(Object.fromEntries(rows.consents.map((row) => [row.channel, row.status]))).toEqual(expected);
    expect(rows.consents[0]).toMatchObject({ event_id: '00000000-0000-4000-8000-000000000002', source: told.value.source, customer_key: expect.stringMatching(/:/) });
    expect(analyticsRowsOf(purchase({}), 'store').consents).toEqual([]);
    const dates = touchpointExamples.profile_update.payload.importantDates as Record<string, string>;
    expect(Object.fromEntries(rows.importantDates.map((row) => [row.name, row.date]))).toEqual(dates);
    expect(analyticsRowsOf(purchase({}), 'store').importantDates).toEqual([]);
  });

  it('writes a withdrawal under every key the touchpoint names, and a grant under its first key only', () => {
    const told = readTouchpoint({ ...touchpointExamples.profile_update, consent: { push: 'granted' } }, loadSchemaCatalog(), {
      eventId: '00000000-0000-4000-8000-000000000004',
      receivedAt: '2026-11-23T08:00:00.000Z',
    });
    if (!told.ok) throw new Error(JSON.stringify(told.errors));
    const rows = analyticsRowsOf(told.value, null).consents.map(({ customer_key, channel, status }) => `${channel} ${status} ${customer_key}`);
    expect(rows.sort()).toEqual([
      'email granted email:sara.ahmadi@example.com',
      'push granted email:sara.ahmadi@example.com',
      'sms denied email:sara.ahmadi@example.com',
      'sms denied phone:+989121234567',
    ]);
    // No usable identifier: the rows go under the empty key, which stands for the customer the touchpoint founded.
    const keyless = readTouchpoint({ ...touchpointExamples.visit, identifiers: { deviceId: '0000' }, consent: { sms: 'denied', email: 'granted' } }, loadSchemaCatalog(), {
      eventId: '00000000-0000-4000-8000-000000000005',
      receivedAt: '2026-11-23T08:00:00.000Z',
    });
    if (!keyless.ok) throw new Error(JSON.stringify(keyless.errors));
    expect(analyticsRowsOf(keyless.value, null).consents.map(({ customer_key, channel, status }) => `${channel} ${status} ${customer_key}`).sort()).toEqual(['email granted ', 'sms denied ']);
  });

  it('writes a withdrawn important date as a row with an empty date', () => {
    const withdrawn = readTouchpoint({ ...touchpointExamples.profile_update, payload: { importantDates: { passportExpiry: null, birthday: '1990-02-05' } } }, loadSchemaCatalog(), {
      eventId: '00000000-0000-4000-8000-000000000003',
      receivedAt: '2026-11-23T08:00:00.000Z',
    });
    if (!withdrawn.ok) throw new Error(JSON.stringify(withdrawn.errors));
    expect(analyticsRowsOf(withdrawn.value, null).importantDates.map(({ name, date }) => ({ name, date }))).toEqual([
      { name: 'passportExpiry', date: '' },
      { name: 'birthday', date: '1990-02-05' },
    ]);
  });

  it('dates a consent or an important date stamped ahead of its arrival (a fast clock) at its arrival, as the profile does', () => {
    const fast = readTouchpoint(
      { ...touchpointExamples.profile_update, occurredAt: '2026-11-23T20:00:00.000Z', consent: { sms: 'granted' }, payload: { importantDates: { passportExpiry: '2027-01-15' } } },
      loadSchemaCatalog(),
      { eventId: '00000000-0000-4000-8000-000000000004', receivedAt: '2026-11-23T08:00:00.000Z' },
    );
    if (!fast.ok) throw new Error(JSON.stringify(fast.errors));
    const rows = analyticsRowsOf(fast.value, null);
    const arrival = { occurred_at: '2026-11-23 08:00:00', occurred_at_ms: Date.parse('2026-11-23T08:00:00.000Z') };
    expect(rows.importantDates).toEqual([expect.objectContaining(arrival)]);
    expect(rows.consents).toEqual([expect.objectContaining(arrival)]);
    expect(rows.touchpoint).toMatchObject({ occurred_at: '2026-11-23 20:00:00' });
  });

  it.each([
    [{ amount: '10.0001' }, /payload\.amount 10\.0001 does not fit the analytics tables' Decimal\(18, 3\)/],
    [{ amount: '1000000000000000' }, /does not fit/],
    [{ occurredAt: '1969-12-31T23:59:59.999Z' }, /occurredAt 1969-12-31T23:59:59\.999Z is before 1970-01-01/],
  ])('refuses %p as a touchpoint the tables cannot hold, so that it becomes a dead letter', (overrides, message) => {
    const attempt = () => analyticsRowsOf(purchase(overrides), 'store');
    expect(attempt).toThrow(AnalyticsRowError);
    expect(attempt).toThrow(message);
  });
});
