import type { Business } from '../catalogue/demo-catalogue';
import { CITIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, MOBILE_PREFIXES } from '../catalogue/demo-catalogue';
import { seededRandom } from '../random/seeded-random';

/**
 * How much a customer buys: a few key customers bring most of the revenue (Pareto), most buy now
 * and then, many only once or twice.
 */
export type Segment = 'vip' | 'regular' | 'occasional' | 'light';

/** Who a demo customer really is: the ground truth that identity resolution has to rediscover. */
export interface DemoCustomer {
  readonly index: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly city: string;
  readonly segment: Segment;
  /** What they buy, the main business first. */
  readonly interests: readonly Business[];
  /** Buys clothes every spring, around Nowruz, and at no other time. */
  readonly springBuyer: boolean;
  /** Signs up to the club at some point (a profile_update), and is then known to the tills by customer id and card. */
  readonly clubMember: boolean;
  /** "YYYY-MM-DD". */
  readonly birthday: string;
  /** Every identifier the customer has, normalised as the platform stores them; each touchpoint carries only some. */
  readonly identifiers: {
    readonly email: string;
    readonly phone: string;
    readonly customerId: string | null;
    readonly loyaltyCard: string | null;
    readonly socialHandle: string | null;
    readonly appDeviceId: string | null;
    readonly browserDeviceId: string | null;
  };
  /** The customer the demo shows at the end: a club member with a full story. */
  readonly showcase: boolean;
}

/** The customer whose profile the demo prints: always the first. */
export const SHOWCASE_CUSTOMER_INDEX = 0;

const SEGMENT_WEIGHTS: readonly (readonly [Segment, number])[] = [
  ['vip', 4],
  ['regular', 16],
  ['occasional', 40],
  ['light', 40],
];
const CLUB_SHARE: Readonly<Record<Segment, number>> = { vip: 0.9, regular: 0.7, occasional: 0.4, light: 0.15 };

/**
 * A number per customer, unique among the customers of one seed (a bijection of the index on
 * 0..9,999,999), so no two demo customers share an identifier by accident; other seeds shift it.
 */
export function customerCode(seed: string | number, index: number): number {
  const offset = seededRandom(seed, 'codes').int(0, 9_999_999);
  return Number((BigInt(index) * 7_654_321n + BigInt(offset)) % 10_000_000n);
}

export function demoCustomer(seed: string | number, index: number): DemoCustomer {
  const rng = seededRandom(seed, 'customer', index);
  const showcase = index === SHOWCASE_CUSTOMER_INDEX;
  const code = customerCode(seed, index);
  const digits = String(code).padStart(7, '0');

  const firstName = showcase ? 'Sara' : rng.pick(FIRST_NAMES);
  const lastName = showcase ? 'Ahmadi' : rng.pick(LAST_NAMES);
  const city = showcase ? 'Tehran' : rng.weighted(CITIES);
  const segment = showcase ? 'regular' : rng.weighted(SEGMENT_WEIGHTS);
  const main = showcase ? 'restaurant' : rng.weighted<Business>([['restaurant', 65], ['retail', 20], ['travel', 15]]);
  const others = (['restaurant', 'retail', 'travel'] as const).filter((b) => b !== main);
  const interests: Business[] = showcase ? ['restaurant', 'retail', 'travel'] : [main, ...others.filter(() => rng.chance(0.3))];
  const springBuyer = showcase || (interests.includes('retail') && rng.chance(0.35));
  if (springBuyer && !interests.includes('restaurant')) interests.push('restaurant');

  const clubMember = showcase || rng.chance(CLUB_SHARE[segment]);
  const online = showcase || segment === 'vip' ? 0.8 : 0.55;
  const handle = `${firstName}.${lastName}_${code.toString(36)}`.toLowerCase();
  return {
    index,
    firstName,
    lastName,
    city,
    segment,
    interests,
    springBuyer,
    clubMember,
    birthday: showcase ? '1990-02-05' : `${rng.int(1960, 2004)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`,
    identifiers: {
      email: `${firstName}.${lastName}${code}@${showcase ? 'example.com' : rng.pick(EMAIL_DOMAINS)}`.toLowerCase(),
      phone: `+98${showcase ? '912' : rng.pick(MOBILE_PREFIXES)}${digits}`,
      customerId: clubMember ? `c-${digits}` : null,
      loyaltyCard: clubMember ? `77${digits}${luhnDigit(`77${digits}`)}` : null,
      socialHandle: showcase || rng.chance(0.35) ? handle : null,
      appDeviceId: showcase || rng.chance(online) ? `${rng.pick(['and', 'ios'])}-${rng.hex(16)}` : null,
      browserDeviceId: showcase || rng.chance(online) ? `web-${rng.hex(16)}` : null,
    },
    showcase,
  };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The Luhn check digit that card numbers end with. */
function luhnDigit(number: string): number {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return (10 - (sum % 10)) % 10;
}
