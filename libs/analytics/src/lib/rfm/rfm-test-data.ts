import { seededRandom } from '@cdp/demo-data';
import { MS_PER_DAY } from '@cdp/events';

/** Test data for the RFM query specs: purchases, refunds and identity rows, drawn from a seed. */

export const AS_OF = '2026-06-30T12:00:00.250Z';
/** Long before the other events: only the ten customers of the fifths case have purchases by then. */
export const FIFTHS_AS_OF = '2021-01-01T00:00:00.000Z';

export interface MoneyEvent {
  readonly kind: 'purchase' | 'refund';
  readonly eventId: string;
  readonly customerKey: string;
  readonly occurredAtMs: number;
  /** The amount in thousandths, the scale of the amount columns; a bigint beyond 2^53. */
  readonly milli: number | bigint;
  readonly currency: string;
}

/** A row of identity_map; a type, not an interface, so that it passes as a row to insert. */
export type IdentityRow = {
  readonly key: string;
  readonly customer_id: string;
  readonly version: number;
};

export interface RfmTestData {
  readonly events: readonly MoneyEvent[];
  /** Inserted batch by batch, so that the versions of a key sit in separate parts. */
  readonly identityBatches: readonly (readonly IdentityRow[])[];
}

const AS_OF_MS = Date.parse(AS_OF);
/** Few distinct values, so that customers tie on every measure. */
const DAYS_AGO = [0, 1, 2, 5, 10, 30, 60, 89, 90, 120, 200, 364, 365, 400, 700];
const AMOUNTS_MILLI = [125, 10_000, 25_500, 100_000];
const PEOPLE = 300;
const MERGED_PAIRS = 20;

/** Purchases and refunds of a few hundred customers, with every case the RFM definition names. */
export function generateRfmTestData(seed: string): RfmTestData {
  const random = seededRandom(seed);
  const events: MoneyEvent[] = [];
  const add = (kind: MoneyEvent['kind'], customerKey: string, occurredAtMs: number, milli: number | bigint, currency = 'IRR') =>
    events.push({ kind, eventId: `evt_${String(events.length + 1).padStart(5, '0')}`, customerKey, occurredAtMs, milli, currency });
  const someTimeDaysAgo = (days: number) => AS_OF_MS - days * MS_PER_DAY - random.int(0, MS_PER_DAY - 1);
  const email = (person: number) => `email:p${person}@example.com`;
  const phone = (person: number) => `phone:+9891200${String(person).padStart(5, '0')}`;

  const firstVersions: IdentityRow[] = [];
  for (let person = 0; person < PEOPLE; person++) {
    const keys = random.chance(0.15) ? [email(person), phone(person)] : [email(person)];
    keys.forEach((key) => firstVersions.push({ key, customer_id: `cus_p${person}`, version: 1 }));
    const purchases = random.weighted([[0, 1], [1, 4], [2, 3], [3, 2], [5, 1]] as const);
    for (let i = 0; i < purchases; i++) {
      const at = someTimeDaysAgo(random.pick(DAYS_AGO));
      const milli = random.pick(AMOUNTS_MILLI);
      add('purchase', random.pick(keys), at, milli, random.chance(0.1) ? 'USD' : 'IRR');
      if (random.chance(0.2)) add('refund', random.pick(keys), at + random.int(0, 40) * MS_PER_DAY, random.chance(0.5) ? milli : 125);
    }
  }

  // Fixed cases, on top of the drawn ones, so that each is there whatever the seed.
  const specialKey = (name: string) => {
    firstVersions.push({ key: `email:${name}@example.com`, customer_id: `cus_${name}`, version: 1 });
    return `email:${name}@example.com`;
  };
  const zero = specialKey('refunded_in_full');
  add('purchase', zero, someTimeDaysAgo(5), 100_000);
  add('refund', zero, someTimeDaysAgo(2), 100_000);
  const negative = specialKey('refund_of_an_old_purchase');
  add('purchase', negative, someTimeDaysAgo(200), 25_500);
  add('refund', negative, someTimeDaysAgo(10), 25_500);
  add('purchase', specialKey('empty_window'), someTimeDaysAgo(400), 10_000);
  const future = specialKey('only_after_as_of');
  add('purchase', future, AS_OF_MS + 1, 10_000);
  add('refund', future, someTimeDaysAgo(1), 10_000);
  const boundaries = specialKey('on_the_boundaries');
  add('purchase', boundaries, AS_OF_MS, 125);
  add('purchase', boundaries, AS_OF_MS - 90 * MS_PER_DAY, 10_000);
  add('purchase', boundaries, AS_OF_MS - 90 * MS_PER_DAY + 1, 25_500);
  add('refund', boundaries, AS_OF_MS, 125);
  add('refund', boundaries, AS_OF_MS + 1, 10_000);
  add('purchase', specialKey('dollars_only'), someTimeDaysAgo(1), 10_000, 'USD');
  // Two purchases of 9,000,000,000,000.000: a thousand times their sum overflows Int64 (Decimal64's storage).
  const whalePurchase = 9e15;
  const whale = specialKey('whale');
  const formerWhale = specialKey('former_whale');
  // Ten purchases of the largest amount ingestion takes: their sum outgrows Decimal(18, 3).
  const largestAmount = 999_999_999_999_999_999n;
  for (let i = 0; i < 10; i++) add('purchase', specialKey('beyond_decimal_64'), someTimeDaysAgo(2), largestAmount);
  for (let i = 0; i < 2; i++) {
    add('purchase', whale, someTimeDaysAgo(3), whalePurchase);
    add('purchase', formerWhale, someTimeDaysAgo(200), whalePurchase);
    add('refund', formerWhale, someTimeDaysAgo(10), whalePurchase);
  }

  // Ten customers, each i in 1..10 with i purchases of 1.000, the last one 10 - i days before
  // FIFTHS_AS_OF: a population that five divides, with each customer a tenth apart on every measure.
  for (let i = 1; i <= 10; i++) {
    const key = specialKey(`fifths_${String(i).padStart(2, '0')}`);
    for (let n = 0; n < i; n++) add('purchase', key, Date.parse(FIFTHS_AS_OF) - (10 - i) * MS_PER_DAY - n, 1000);
  }

  // Events of no known customer: each one is a customer of its own.
  for (let i = 0; i < 12; i++) add(random.chance(0.8) ? 'purchase' : 'refund', '', someTimeDaysAgo(random.pick(DAYS_AGO)), random.pick(AMOUNTS_MILLI));
  for (let i = 0; i < 8; i++) add('purchase', `device:unknown-${i % 5}`, someTimeDaysAgo(random.pick(DAYS_AGO)), random.pick(AMOUNTS_MILLI));

  // Merges: both keys of a pair, each its own customer at version 1, point to the survivor at version 2.
  // A row for the empty key must not claim the events that have no key.
  firstVersions.push({ key: '', customer_id: 'cus_keyless', version: 1 });
  const merges: IdentityRow[] = [];
  for (let pair = 0; pair < MERGED_PAIRS; pair++) {
    const [survivor, merged] = [2 * pair, 2 * pair + 1];
    merges.push({ key: email(survivor), customer_id: `cus_p${survivor}`, version: 2 }, { key: email(merged), customer_id: `cus_p${survivor}`, version: 2 });
  }
  const thirdVersion = [{ key: email(0), customer_id: 'cus_p299', version: 3 }];
  return { events, identityBatches: [thirdVersion, firstVersions, merges] };
}
