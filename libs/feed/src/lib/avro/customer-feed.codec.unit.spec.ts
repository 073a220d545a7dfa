import { DEFAULT_SCHEMAS_DIR, frameConfluent, loadSchemaCatalog, readSchemaSources, SchemaCatalog } from '@cdp/events';
import { emptyIdentifiers, emptyProfile, visibleProfile, type VisibleProfile } from '@cdp/profile';
import { CUSTOMER_CHANGE_TYPES, type CustomerChange, type CustomerFeedState } from '../customer-feed.contract';
import { createCustomerFeedCodec, CUSTOMER_EVENTS_SUBJECT, CUSTOMER_PROFILES_SUBJECT } from './customer-feed.codec';

const catalog = loadSchemaCatalog();
const codec = createCustomerFeedCodec(catalog);

const T1 = '2026-11-20T10:15:00.000Z';
const T2 = '2026-11-21T18:40:12.345Z';
const from = (eventId: string, occurredAt = T1) => ({ occurredAt, eventId, source: 'club-signup' });

const profile: VisibleProfile = {
  ...visibleProfile(emptyProfile('c-sara')),
  mergedFrom: ['c-sara-old'],
  identifiers: { ...emptyIdentifiers(), customerId: ['c-sara'], email: ['sara.ahmadi@example.com'], phone: ['+989121234567'], loyaltyCard: ['LC-0042'], wechatId: ['sara_a'] },
  traits: { city: { value: 'Tehran', ...from('e-1') }, firstName: { value: 'Sara', ...from('e-2', T2) } },
  preferences: { sauce: { value: 'no spicy sauce', ...from('e-3') } },
  importantDates: { birthday: { date: '1990-04-02', ...from('e-3') } },
  consent: { email: { status: 'granted', ...from('e-1') }, sms: { status: 'denied', ...from('e-2', T2) } },
  firstSeenAt: T1,
  lastSeenAt: T2,
  activity: {
    byType: { call: { count: 3, lastAt: T2 }, purchase: { count: 2, lastAt: T1 } },
    byChannel: { phone: { count: 3, lastAt: T2 }, store: { count: 2, lastAt: T1 } },
  },
  orders: {
    count: 3,
    countByCurrency: { EUR: 2, IRR: 1 },
    grossSpend: { EUR: '80.50', IRR: '1250000' },
    refunded: { EUR: '100.00' },
    netSpend: { EUR: '-19.50', IRR: '1250000' },
    averageOrderValue: { EUR: '40.25', IRR: '1250000.00' },
    lastPurchaseAt: T1,
  },
  complaints: { open: 2, lastResolvedAt: T1, openAt: [T2, T2] },
  touchpoints: 5,
  version: 9,
};

const state: CustomerFeedState = {
  customerId: 'c-sara',
  version: 12,
  changedAt: T2,
  mergedInto: null,
  profile,
  loyalty: { available: -40, tier: 'gold' },
  rfm: { segment: 'Champions', r: 5, f: 4, m: 5 },
};

const merged: CustomerFeedState = { customerId: 'c-sara-old', version: 4, changedAt: T2, mergedInto: 'c-sara', profile: null, loyalty: null, rfm: null };

const change: CustomerChange = {
  eventId: 'c-sara:12',
  type: 'LoyaltyTierChanged',
  customerId: 'c-sara',
  version: 12,
  changedAt: T2,
  changedFields: [],
  mergedInto: null,
  segment: null,
  tier: { from: 'silver', to: 'gold' },
  state,
};

const forgotten: CustomerChange = {
  eventId: 'c-gone:3',
  type: 'CustomerForgotten',
  customerId: 'c-gone',
  version: 3,
  changedAt: T2,
  changedFields: [],
  mergedInto: null,
  segment: { from: 'At Risk', to: null },
  tier: null,
  state: null,
};

const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('customer feed codec (Confluent wire format)', () => {
  it.each([
    ['a live customer', state],
    ['a merged customer', merged],
  ])('round-trips the state of %s exactly', (_, value) => {
    expect(codec.decodeState(codec.encodeState(value))).toEqual(asJson(value));
  });

  it.each([
    ['with the state after it', change],
    ['CustomerForgotten, without state', forgotten],
  ])('round-trips a change %s exactly', (_, value) => {
    expect(codec.decodeChange(codec.encodeChange(value))).toEqual(asJson(value));
  });

  it('frames values with the magic byte and the latest schema id of their subject', () => {
    const stateBytes = codec.encodeState(state);
    const changeBytes = codec.encodeChange(change);

    expect([stateBytes[0], stateBytes.readInt32BE(1)]).toEqual([0, catalog.latestOf(CUSTOMER_PROFILES_SUBJECT)!.id]);
    expect([changeBytes[0], changeBytes.readInt32BE(1)]).toEqual([0, catalog.latestOf(CUSTOMER_EVENTS_SUBJECT)!.id]);
    expect([codec.stateSchemaId, codec.changeSchemaId]).toEqual([7, 8]);
  });

  it('reads what an earlier schema version wrote, resolving it to the latest', () => {
    const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
    const v1 = sources.feed['customer-state'].v1 as { fields: object[] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'region', type: ['null', 'string'], default: null }] };
    const evolved = createCustomerFeedCodec(
      new SchemaCatalog({
        ...sources,
        feed: { ...sources.feed, 'customer-state': { v1, v2 } },
        ids: [...sources.ids, { id: 900, schema: 'feed/customer-state', version: 'v2', subject: CUSTOMER_PROFILES_SUBJECT }],
      }),
    );

    expect(evolved.stateSchemaId).toBe(900);
    expect(evolved.decodeState(codec.encodeState(state))).toEqual({ ...asJson(state), region: null });
  });

  it('refuses schema ids that are not versions of the subject', () => {
    expect(() => codec.decodeState(frameConfluent(999, Buffer.alloc(0)))).toThrow(/schema id 999 is not a version of cdp.customer-profiles.v1-value/);
    expect(() => codec.decodeChange(codec.encodeState(state))).toThrow(/schema id 7 is not a version of cdp.customer-events.v1-value .*\(it is of cdp.customer-profiles.v1-value\)/);
    expect(() => codec.decodeState(Buffer.from('{}'))).toThrow(/Confluent wire format/);
  });

  it('documents every change type in the schema', () => {
    const fields = (catalog.byId(codec.changeSchemaId)!.schema as { fields: { name: string; doc: string }[] }).fields;
    const typeDoc = fields.find((f) => f.name === 'type')!.doc;

    for (const type of CUSTOMER_CHANGE_TYPES) expect(typeDoc).toContain(type);
  });
});
