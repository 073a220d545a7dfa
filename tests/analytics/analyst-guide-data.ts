import { analyticsRowsOf, type AnalyticsRows } from '@cdp/analytics';
import type { Touchpoint } from '@cdp/events';
import { customerIdFor } from '@cdp/identity';

/*
 * The small data set the example queries of docs/analytics.md run on, with the answers worked out
 * by hand in analyst-guide-queries.e2e.spec.ts. Rows are made as the platform makes them: the
 * sink's own analyticsRowsOf for touchpoints, purchases and refunds; identity_map rows as the
 * identity-map copy writes them; RFM runs as a run records them.
 *
 * Six buyers, amounts in IRR unless said otherwise:
 * - Sara (email) buys 300,000 in store on 10 Jan. The phone +989121234567, not yet known to be
 *   hers, buys 120,000 online on 5 Mar (a customer of its own), calls with a complaint on 6 Mar,
 *   is refunded 20,000 on 7 Mar and calls again (resolved) on 8 Mar. Her club sign-up on 10 Mar
 *   names the email and the phone: the phone's customer is merged into hers. She buys 500,000
 *   online on 15 Sep.
 * - Reza (customerId c-7) buys 1,000,000 in store on 20 Feb, is refunded 200,000 on 25 Feb and
 *   complains by phone on 26 Feb.
 * - Mina (loyalty card L-100) buys 80,000 in store on 1 May and 1 Jun, and 90.5 USD on the web on
 *   20 Oct. She calls on 2 May with a complaint (written " Complaint " by the call centre, a no-break space first); its
 *   system also sent an attribute named "outcome" ("callback"), which a query must not mistake for
 *   the payload's.
 * - Omid (email) buys 2,000,000 on 1 Dec 2025 with no channel, and calls (resolved) from his
 *   phone on 10 May, when he agrees to SMS and calls. Reza, on his complaint call, withdraws his SMS consent;
 *   on 23 Oct his club form (naming only his customer id) says yes to email and SMS and gives his
 *   passport's expiry (1 Dec 2026). On 24 Oct Mina's form gives her birthday (1 Feb 1995) and says
 *   yes to email with Omid's address, which stays his.
 * - Sara's sign-up also gives her passport's expiry (15 Dec 2026) and birthday (5 Feb 1990), and
 *   her email consent; Leila's passport expires on 1 Jun 2027, her birthday is 29 Feb 1992 and she
 *   agrees to email; Omid's passport expires on 20 Nov 2026 and his birthday is 10 Feb 1985, with
 *   no word on email (all told in October). On 20 Oct Sara withdraws her passport's expiry (her
 *   passport was cancelled); an update from another source, dated 1 Sep and sunk after it, still
 *   names the old passport (20 Dec 2026), and does not bring it back.
 * - Nima (email) tells his passports' expiries (15 Jan 2027, and his German one's 20 Dec 2026) and birthday (15 Feb 1988) and agrees to
 *   email on 9 Oct; on 21 Oct he withdraws his birthday. He buys nothing.
 * - An anonymous buyer (only a placeholder device id) buys 50,000 in store on 4 Apr.
 * - Leila (email) buys 150,000 online on 1 Aug and 5 Oct, and calls (resolved) on 6 Oct.
 * Two RFM runs: as of 30 Jun 2026 and as of 1 Nov 2026, both over 365 days.
 */

/** A UUID per touchpoint, readable: t(7) is ...000000000007. */
export const t = (n: number): string => `a0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Customers are named after the event id of the touchpoint that founded them. */
export const CUSTOMERS = {
  sara: customerIdFor(t(1)),
  /** The phone's own customer until the sign-up merged it into Sara. */
  saraPhone: customerIdFor(t(2)),
  reza: customerIdFor(t(8)),
  mina: customerIdFor(t(11)),
  omid: customerIdFor(t(15)),
  /** No usable identifier: the customer its touchpoint founded. */
  anonymous: customerIdFor(t(17)),
  leila: customerIdFor(t(18)),
  nima: customerIdFor(t(25)),
} as const;

const SARA = { email: 'sara@example.com' };
const SARA_PHONE = { phone: '+989121234567' };
const REZA = { customerId: 'c-7' };
const MINA = { loyaltyCard: 'L-100' };
const OMID = { email: 'omid@example.com' };
const OMID_PHONE = { phone: '+989351112233' };
const ANONYMOUS = { deviceId: '0' };
const LEILA = { email: 'leila@example.com' };
const NIMA = { email: 'nima@example.com' };

type Ids = Partial<Record<'customerId' | 'email' | 'phone' | 'loyaltyCard' | 'socialHandle' | 'deviceId', string>>;

function touchpoint(n: number, type: string, occurredAt: string, ids: Ids, payload: Record<string, unknown>, attributes: Record<string, string> = {}, consent: Touchpoint['consent'] = null): Touchpoint {
  // The key order of a touchpoint as the platform reads it: the envelope's fields, then the payload.
  return {
    eventId: t(n),
    type,
    source: 'analyst-guide',
    occurredAt,
    receivedAt: occurredAt,
    identifiers: { customerId: null, email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null, ...ids },
    traits: null,
    consent,
    attributes,
    payload,
  };
}

const purchase = (n: number, at: string, ids: Ids, orderId: string, amount: string, channel: string | null, currency = 'IRR') =>
  touchpoint(n, 'purchase', at, ids, { orderId, amount, currency, items: [], channel, location: null });
const refund = (n: number, at: string, ids: Ids, orderId: string, amount: string) => touchpoint(n, 'refund', at, ids, { orderId, amount, currency: 'IRR', reason: 'damaged' });
const call = (n: number, at: string, ids: Ids, outcome: string, attributes: Record<string, string> = {}, consent: Touchpoint['consent'] = null) =>
  touchpoint(n, 'call', at, ids, { direction: 'inbound', durationSec: 120, topic: null, outcome, agentId: 'agent-7', satisfaction: null }, attributes, consent);

export const TOUCHPOINTS: readonly Touchpoint[] = [
  purchase(1, '2026-01-10T10:00:00.000Z', SARA, 'o-1', '300000', 'store'),
  purchase(2, '2026-03-05T10:00:00.000Z', SARA_PHONE, 'o-2', '120000', 'online'),
  call(3, '2026-03-06T10:00:00.000Z', SARA_PHONE, 'complaint'),
  refund(4, '2026-03-07T10:00:00.000Z', SARA_PHONE, 'o-2', '20000'),
  call(5, '2026-03-08T10:00:00.000Z', SARA_PHONE, 'resolved'),
  touchpoint(
    6,
    'profile_update',
    '2026-03-10T10:00:00.000Z',
    { ...SARA, ...SARA_PHONE },
    { preferences: { sauce: 'no spicy sauce' }, importantDates: { passportExpiry: '2026-12-15', birthday: '1990-02-05' } },
    {},
    { email: 'granted' },
  ),
  purchase(7, '2026-09-15T10:00:00.000Z', SARA, 'o-7', '500000', 'online'),
  purchase(8, '2026-02-20T10:00:00.000Z', REZA, 'o-8', '1000000', 'store'),
  call(9, '2026-02-26T10:00:00.000Z', REZA, 'complaint', {}, { sms: 'denied' }),
  refund(10, '2026-02-25T10:00:00.000Z', REZA, 'o-8', '200000'),
  purchase(11, '2026-05-01T10:00:00.000Z', MINA, 'o-11', '80000', 'store'),
  purchase(12, '2026-06-01T10:00:00.000Z', MINA, 'o-12', '80000', 'store'),
  call(13, '2026-05-02T10:00:00.000Z', MINA, '\u00a0Complaint ', { outcome: 'callback' }),
  purchase(14, '2026-10-20T10:00:00.000Z', MINA, 'o-14', '90.5', 'web', 'USD'),
  purchase(15, '2025-12-01T10:00:00.000Z', OMID, 'o-15', '2000000', null),
  call(16, '2026-05-10T10:00:00.000Z', { ...OMID, ...OMID_PHONE }, 'resolved', {}, { sms: 'granted', phone: 'granted' }),
  purchase(17, '2026-04-04T10:00:00.000Z', ANONYMOUS, 'o-17', '50000', 'store'),
  purchase(18, '2026-08-01T10:00:00.000Z', LEILA, 'o-18', '150000', 'online'),
  purchase(19, '2026-10-05T10:00:00.000Z', LEILA, 'o-19', '150000', 'online'),
  call(20, '2026-10-06T10:00:00.000Z', LEILA, 'resolved'),
  touchpoint(21, 'profile_update', '2026-10-07T10:00:00.000Z', LEILA, { importantDates: { passportExpiry: '2027-06-01', birthday: '1992-02-29' } }, {}, { email: 'granted' }),
  touchpoint(22, 'profile_update', '2026-10-08T10:00:00.000Z', OMID, { importantDates: { passportExpiry: '2026-11-20', birthday: '1985-02-10' } }),
  touchpoint(23, 'profile_update', '2026-10-20T10:00:00.000Z', SARA, { importantDates: { passportExpiry: null } }),
  touchpoint(24, 'profile_update', '2026-09-01T10:00:00.000Z', SARA, { importantDates: { passportExpiry: '2026-12-20' } }),
  touchpoint(25, 'profile_update', '2026-10-09T10:00:00.000Z', NIMA, { importantDates: { passportExpiry: '2027-01-15', 'passportExpiry:DE': '2026-12-20', birthday: '1988-02-15' } }, {}, { email: 'granted' }),
  touchpoint(26, 'profile_update', '2026-10-21T10:00:00.000Z', NIMA, { importantDates: { birthday: null } }),
  // Sara says yes to SMS at the till, with her phone: query 13 texts that number, as Omid's (16).
  touchpoint(27, 'profile_update', '2026-10-22T10:00:00.000Z', { ...SARA, ...SARA_PHONE }, {}, {}, { sms: 'granted' }),
  // Reza's club form names only his customer id: his yes to email and SMS names no address of
  // either, so no list to message has him, though consent_current says granted.
  touchpoint(28, 'profile_update', '2026-10-23T10:00:00.000Z', REZA, { importantDates: { passportExpiry: '2026-12-01' } }, {}, { email: 'granted', sms: 'granted' }),
  // Mina's form says yes to email with Omid's address (the guardrails kept it Omid's): no birthday
  // greeting goes to his inbox for her.
  touchpoint(29, 'profile_update', '2026-10-24T10:00:00.000Z', { ...MINA, ...OMID }, { importantDates: { birthday: '1995-02-01' } }, {}, { email: 'granted' }),
];

/** The channel each type's manifest gives (schemas/touchpoints/<type>/manifest.json). */
function channelOf(touchpoint: Touchpoint): string | null {
  if (touchpoint.type === 'call') return 'phone';
  if (touchpoint.type === 'purchase') return (touchpoint.payload.channel as string | null) ?? null;
  return null;
}

const ROWS: readonly AnalyticsRows[] = TOUCHPOINTS.map((tp) => analyticsRowsOf(tp, channelOf(tp)));

/**
 * identity_map as the copy leaves it: one row per change of owner, versions growing. The phone
 * first belongs to its own customer (version 4), then to Sara (version 5): the merge.
 */
export const IDENTITY_MAP = [
  { key: 'email:omid@example.com', customer_id: CUSTOMERS.omid, version: '1' },
  { key: 'email:sara@example.com', customer_id: CUSTOMERS.sara, version: '2' },
  { key: 'customerId:c-7', customer_id: CUSTOMERS.reza, version: '3' },
  { key: 'phone:+989121234567', customer_id: CUSTOMERS.saraPhone, version: '4' },
  { key: 'phone:+989121234567', customer_id: CUSTOMERS.sara, version: '5' },
  { key: 'loyaltyCard:L-100', customer_id: CUSTOMERS.mina, version: '6' },
  { key: 'email:leila@example.com', customer_id: CUSTOMERS.leila, version: '7' },
  { key: 'email:nima@example.com', customer_id: CUSTOMERS.nima, version: '8' },
  { key: 'phone:+989351112233', customer_id: CUSTOMERS.omid, version: '9' },
];

export const RUN_JUNE = 'b1000000-0000-4000-8000-000000000001';
export const RUN_NOVEMBER = 'b2000000-0000-4000-8000-000000000002';

const JUNE = '2026-06-30 00:00:00';
const NOVEMBER = '2026-11-01 00:00:00';

export const RFM_RUNS = [
  { run_id: RUN_JUNE, as_of: JUNE, as_of_ms: String(Date.parse('2026-06-30T00:00:00Z')), window_days: 365, currency: 'IRR', customers: '5', requested_at: '2026-06-30 00:00:05', finished_at: '2026-06-30 00:00:07' },
  { run_id: RUN_NOVEMBER, as_of: NOVEMBER, as_of_ms: String(Date.parse('2026-11-01T00:00:00Z')), window_days: 365, currency: 'IRR', customers: '6', requested_at: '2026-11-01 00:00:03', finished_at: '2026-11-01 00:00:04' },
];

const snapshot = (runId: string, asOf: string, customerId: string, recencyDays: number, frequency: number, monetary: string, r: number, f: number, m: number, segment: string) => ({
  run_id: runId,
  as_of: asOf,
  window_days: 365,
  customer_id: customerId,
  recency_days: recencyDays,
  frequency: String(frequency),
  monetary,
  r,
  f,
  m,
  segment,
  scored_at: asOf,
});

/** The scores the RFM rules (libs/rfm) give the data above at each run, with the default grid. */
export const RFM_SNAPSHOTS = [
  snapshot(RUN_JUNE, JUNE, CUSTOMERS.sara, 116, 2, '400000', 3, 4, 3, 'Loyal Customers'),
  snapshot(RUN_JUNE, JUNE, CUSTOMERS.reza, 129, 1, '800000', 2, 1, 4, 'At Risk'),
  snapshot(RUN_JUNE, JUNE, CUSTOMERS.mina, 28, 2, '160000', 5, 4, 2, 'Potential Loyalist'),
  snapshot(RUN_JUNE, JUNE, CUSTOMERS.omid, 210, 1, '2000000', 1, 1, 5, 'At Risk'),
  snapshot(RUN_JUNE, JUNE, CUSTOMERS.anonymous, 86, 1, '50000', 4, 1, 1, 'Promising'),
  snapshot(RUN_NOVEMBER, NOVEMBER, CUSTOMERS.sara, 46, 3, '900000', 3, 4, 4, 'Loyal Customers'),
  snapshot(RUN_NOVEMBER, NOVEMBER, CUSTOMERS.reza, 253, 1, '800000', 1, 1, 3, 'Lost'),
  snapshot(RUN_NOVEMBER, NOVEMBER, CUSTOMERS.mina, 11, 3, '160000', 5, 4, 1, 'Potential Loyalist'),
  snapshot(RUN_NOVEMBER, NOVEMBER, CUSTOMERS.omid, 334, 1, '2000000', 1, 1, 5, 'At Risk'),
  snapshot(RUN_NOVEMBER, NOVEMBER, CUSTOMERS.anonymous, 210, 1, '50000', 2, 1, 1, 'Hibernating'),
  snapshot(RUN_NOVEMBER, NOVEMBER, CUSTOMERS.leila, 26, 2, '300000', 4, 3, 2, 'Loyal Customers'),
];

/** The rows of each table, as the platform would have inserted them. */
export const TABLES: Readonly<Record<string, readonly Record<string, unknown>[]>> = {
  touchpoints: ROWS.map((r) => r.touchpoint as unknown as Record<string, unknown>),
  purchases: ROWS.flatMap((r) => (r.purchase ? [r.purchase as unknown as Record<string, unknown>] : [])),
  refunds: ROWS.flatMap((r) => (r.refund ? [r.refund as unknown as Record<string, unknown>] : [])),
  consents: ROWS.flatMap((r) => r.consents as unknown as Record<string, unknown>[]),
  important_dates: ROWS.flatMap((r) => r.importantDates as unknown as Record<string, unknown>[]),
  identity_map: IDENTITY_MAP,
  rfm_runs: RFM_RUNS,
  rfm_snapshots: RFM_SNAPSHOTS,
};
