import {
  BRANCH_LOCATION,
  CLOTHES,
  COMPLAINTS,
  CURRENCY,
  INQUIRY_TOPICS,
  MENU,
  NEGATIVE_POSTS,
  NEUTRAL_POSTS,
  POSITIVE_POSTS,
  PREFERENCE_CHOICES,
  RESTAURANT_BRANCHES,
  SHOPS,
  SIDES,
  TOURS,
  TRAVEL_SERVICES,
  WEB_PAGES,
  type Business,
  type Product,
} from '../catalogue/demo-catalogue';
import {
  DAY_MS,
  inWindow,
  NOWRUZ_HOLIDAYS,
  NOWRUZ_SHOPPING,
  SPRING,
  SUMMER,
  tehranDate,
  tehranIso,
  tehranMidnight,
  utcIso,
  YALDA,
} from '../calendar/tehran-time';
import { customerCode, type DemoCustomer, type Segment } from '../customers/demo-customer';
import type { DemoIdentifiers, DemoPurchaseItem, DemoTouchpoint } from '../demo-touchpoint';
import { seededRandom, type Random } from '../random/seeded-random';

/** The period the demo covers, as epoch milliseconds: [start, end). */
export interface DemoWindow {
  readonly start: number;
  readonly end: number;
}

type Draft<T> = T extends unknown ? Omit<T, 'eventId' | 'occurredAt'> : never;
type Channel = 'store' | 'branch' | 'app' | 'web' | 'phone';
interface Timed {
  readonly at: number;
  readonly body: DemoTouchpoint;
}
interface Planned {
  readonly at: number;
  readonly business: Business;
  readonly birthday?: boolean;
}
interface Order {
  readonly at: number;
  readonly business: Business;
  readonly channel: Channel;
  readonly orderId: string;
  readonly amount: number;
  readonly items: readonly DemoPurchaseItem[];
  readonly identifiers: DemoIdentifiers;
  readonly source: string;
}

const HOUR_MS = 60 * 60 * 1000;
const PURCHASES_PER_YEAR: Readonly<Record<Segment, readonly [number, number]>> = {
  vip: [24, 48],
  regular: [8, 16],
  occasional: [2, 5],
  light: [0.4, 1.2],
};
const CHANNELS: Readonly<Record<Business, readonly (readonly [Channel, number])[]>> = {
  restaurant: [['store', 50], ['app', 30], ['web', 10], ['phone', 10]],
  retail: [['store', 70], ['web', 30]],
  travel: [['branch', 60], ['web', 25], ['phone', 15]],
};

/**
 * Everything one customer does over the window, as the touchpoints the business's systems report,
 * in order of occurrence. Each system knows the customer by what it sees: the website by a browser
 * cookie (deviceId) until a checkout adds an email; the till by a phone number typed at checkout
 * until the club card (customerId + loyaltyCard); the call centre by the caller's number; social
 * listening by a handle. The club sign-up form (a profile_update carrying email, phone, customer id,
 * card and sometimes the handle) is what bridges most of these fragments.
 */
export function customerJourney(customer: DemoCustomer, window: DemoWindow, seed: string | number): DemoTouchpoint[] {
  return new JourneyBuilder(customer, window, seed).build();
}

class JourneyBuilder {
  private readonly rng: Random;
  private readonly ids: Random;
  private readonly surveyRng: Random;
  private readonly out: Timed[] = [];
  private readonly code: string;
  private readonly activeFrom: number;
  private readonly activeUntil: number;
  private readonly signUpAt: number | null;
  private readonly homeBranch: string;
  private readonly homeShop: string;
  private readonly passportExpiry: string | null;
  private orders = 0;

  constructor(
    private readonly customer: DemoCustomer,
    private readonly window: DemoWindow,
    seed: string | number,
  ) {
    this.rng = seededRandom(seed, 'journey', customer.index);
    this.ids = seededRandom(seed, 'event-ids', customer.index);
    this.surveyRng = seededRandom(seed, 'surveys', customer.index);
    this.code = String(customerCode(seed, customer.index)).padStart(7, '0');
    const { rng } = this;
    const span = window.end - window.start;
    // A habit is years old: spring buyers were customers before the window and stay.
    const longStanding = customer.showcase || customer.springBuyer;
    this.activeFrom = longStanding || rng.chance(0.45) ? window.start : window.start + rng.next() * 0.9 * span;
    const churns = !longStanding && rng.chance(0.12);
    this.activeUntil = churns ? this.activeFrom + Math.max(DAY_MS, rng.next() * (window.end - this.activeFrom)) : window.end - 1;
    const life = this.activeUntil - this.activeFrom;
    this.signUpAt = customer.clubMember ? this.activeFrom + life * (customer.showcase ? 0.35 : 0.1 + 0.4 * rng.next()) : null;
    this.homeBranch =
      customer.city === 'Isfahan' ? 'isfahan-chaharbagh' : customer.city === 'Shiraz' ? 'shiraz-zand' : customer.showcase ? 'valiasr' : rng.pick(RESTAURANT_BRANCHES.slice(0, 4));
    this.homeShop = rng.pick(SHOPS);
    this.passportExpiry = customer.interests.includes('travel')
      ? isoDate(customer.showcase ? window.end + 120 * DAY_MS : window.end + (rng.next() * 3.5 - 0.5) * 365 * DAY_MS)
      : null;
  }

  build(): DemoTouchpoint[] {
    const orders = this.purchases();
    this.deviceVisits(orders);
    this.storeVisits(orders);
    this.inquiryCalls(orders.length);
    this.socialMentions();
    this.clubProfile();
    this.surveys(orders);
    return [...this.out].sort((a, b) => a.at - b.at).map((t) => t.body);
  }

  // ---- purchases, refunds, complaints -------------------------------------------------------

  private purchases(): Order[] {
    const { customer, rng } = this;
    const years = (this.activeUntil - this.activeFrom) / (365 * DAY_MS);
    const [low, high] = PURCHASES_PER_YEAR[customer.segment];
    const count = Math.round((low + rng.next() * (high - low)) * years);
    const regular = customer.springBuyer ? customer.interests.filter((b) => b !== 'retail') : customer.interests;
    const planned: Planned[] = [];
    for (let i = 0; i < count; i++) {
      const business = rng.weighted(regular.map((b, rank) => [b, rank === 0 ? 4 : 1] as const));
      planned.push({ at: this.sampleDay(business, this.activeFrom, this.activeUntil), business });
    }
    if (customer.springBuyer) planned.push(...this.springShopping());
    if (customer.clubMember && (customer.segment === 'vip' || customer.segment === 'regular')) planned.push(...this.birthdayDinners());

    const orders: Order[] = [];
    for (const { at, business, birthday } of planned.sort((a, b) => a.at - b.at)) {
      const order = this.purchase(business, at, birthday);
      if (order) orders.push(order);
    }
    if (customer.showcase) this.showcaseComplaints(orders);
    else for (const order of orders) this.aftercare(order);
    return orders;
  }

  /** Every spring in the window the customer buys clothes, one to three times: a habit to find. */
  private springShopping(): Planned[] {
    const planned: Planned[] = [];
    const firstYear = new Date(this.activeFrom).getUTCFullYear();
    const lastYear = new Date(this.activeUntil).getUTCFullYear();
    for (let year = firstYear; year <= lastYear; year++) {
      const from = Math.max(this.activeFrom, Date.UTC(year, SPRING[0][0] - 1, SPRING[0][1]));
      const to = Math.min(this.activeUntil, Date.UTC(year, SPRING[1][0] - 1, SPRING[1][1]));
      if (to - from < DAY_MS || !(this.customer.showcase || this.rng.chance(0.95))) continue;
      for (let n = this.rng.int(1, 3); n > 0; n--) planned.push({ at: this.sampleDay('retail', from, to), business: 'retail' });
    }
    return planned;
  }

  /** Members who come to dinner with family on their birthday: real behaviour, not a blind promotion. */
  private birthdayDinners(): Planned[] {
    const [, month, day] = this.customer.birthday.split('-').map(Number);
    const planned: Planned[] = [];
    for (let year = new Date(this.window.start).getUTCFullYear(); year <= new Date(this.window.end).getUTCFullYear(); year++) {
      const at = Date.UTC(year, month - 1, day, 12);
      if (at >= this.signUpAt! && at < this.activeUntil && (this.customer.showcase || this.rng.chance(0.5))) planned.push({ at, business: 'restaurant', birthday: true });
    }
    return planned;
  }

  private purchase(business: Business, day: number, birthday = false): Order | undefined {
    const { rng, customer } = this;
    let channel: Channel = birthday ? 'store' : rng.weighted(CHANNELS[business]);
    if (channel === 'app' && !customer.identifiers.appDeviceId) channel = 'web';
    if (channel === 'web' && !customer.identifiers.browserDeviceId) channel = business === 'travel' ? 'branch' : 'store';
    const at = this.timeOfDay(day, business, channel);
    if (at >= this.activeUntil) return undefined;
    const identifiers = this.purchaseIdentifiers(channel, at);
    if (!identifiers) return undefined; // paid cash and gave no number: the till knows no one

    const items =
      business === 'restaurant'
        ? restaurantOrder(rng, birthday ? rng.int(4, 8) : channel === 'store' ? rng.int(1, customer.segment === 'vip' ? 6 : 4) : rng.int(1, 3))
        : business === 'retail'
          ? retailOrder(rng)
          : travelOrder(rng);
    const amount = items.reduce((sum, item) => sum + Number(item.unitPrice) * item.quantity, 0);
    const prefix = { restaurant: 'R', retail: 'S', travel: 'T' }[business];
    const orderId = `${prefix}-${this.code}-${String(++this.orders).padStart(3, '0')}`;
    const { source, location, attributes, local } = this.placeOf(business, channel);
    const withName = (channel === 'web' || channel === 'app' || channel === 'branch') && rng.chance(0.5);
    this.emit(at, local, {
      type: 'purchase',
      source,
      identifiers,
      ...(withName ? { traits: { firstName: customer.firstName, lastName: customer.lastName } } : {}),
      ...(attributes ? { attributes } : {}),
      payload: { orderId, amount: String(amount), currency: CURRENCY, items, channel, ...(location ? { location } : {}) },
    });
    if (channel === 'branch' && rng.chance(0.5)) {
      this.emit(at - rng.int(1, 10) * DAY_MS, true, {
        type: 'visit',
        source: 'travel-desk',
        identifiers: { phone: this.phoneAsTyped() },
        payload: { channel: 'branch', location: BRANCH_LOCATION['travel-desk'], durationSec: rng.int(900, 3600), purpose: 'consultation' },
      });
    }
    return { at, business, channel, orderId, amount, items, identifiers, source };
  }

  /** Complaints, refunds and returns that follow some orders. */
  private aftercare(order: Order): void {
    const { rng } = this;
    const complaintRate = order.business === 'travel' ? 0.08 : order.channel === 'app' || order.channel === 'web' ? 0.06 : 0.02;
    if (rng.chance(complaintRate)) {
      this.complaint(order, { refund: rng.chance(0.6), resolved: rng.chance(0.85), delay: rng.next() * 2 * DAY_MS });
    } else if (order.business === 'retail' && rng.chance(0.04)) {
      this.refund(order, order.at + rng.int(1, 10) * DAY_MS, order.amount, 'returned: changed mind');
    }
  }

  /** Sara's story: one complaint, refunded in part and resolved; one recent complaint still open. */
  private showcaseComplaints(orders: readonly Order[]): void {
    const delivered = orders.filter((o) => o.business === 'restaurant' && (o.channel === 'app' || o.channel === 'web') && o.at > this.signUpAt!);
    const first = delivered[Math.floor(delivered.length / 2)];
    if (first) this.complaint(first, { refund: true, resolved: true, delay: 3 * HOUR_MS });
    const last = this.purchase('restaurant', tehranMidnight(this.window.end - 3 * DAY_MS));
    if (last) this.complaint(last, { refund: false, resolved: false, delay: 2 * HOUR_MS });
  }

  private complaint(order: Order, how: { refund: boolean; resolved: boolean; delay: number }): void {
    const { rng, customer } = this;
    const { topic, reason } = rng.pick(COMPLAINTS[order.business]);
    const at = order.at + Math.max(15 * 60 * 1000, how.delay);
    this.call(at, 'inbound', `${topic}: ${reason}`, 'complaint', rng.int(1, 2));
    if (how.refund) {
      const dish = order.items[0];
      const partial = order.business !== 'retail' && (customer.showcase || rng.chance(0.65));
      const amount = !partial ? order.amount : order.business === 'restaurant' ? Number(dish.unitPrice) : roundTo(order.amount * (0.2 + rng.next() * 0.1), 100_000);
      this.refund(order, at + rng.int(1, 4) * DAY_MS, Math.min(amount, order.amount), reason);
    }
    if (how.resolved) this.call(at + rng.int(1, 6) * DAY_MS, 'outbound', `follow-up: ${reason}`, 'resolved', rng.int(4, 5));
    const handle = customer.identifiers.socialHandle;
    if (handle && !customer.showcase && rng.chance(0.4)) this.mention(at + rng.next() * DAY_MS, 'negative');
  }

  private refund(order: Order, at: number, amount: number, reason: string): void {
    this.emit(at, order.channel === 'store' || order.channel === 'branch', {
      type: 'refund',
      source: order.source,
      identifiers: order.identifiers,
      payload: { orderId: order.orderId, amount: String(amount), currency: CURRENCY, reason },
    });
  }

  // ---- visits, calls, social -----------------------------------------------------------------

  /**
   * Browsing on the website and the app, known only by the device: some of it before the first
   * order there, which is what later links the device to an email.
   */
  private deviceVisits(orders: readonly Order[]): void {
    const { rng, customer } = this;
    for (const channel of ['web', 'app'] as const) {
      const deviceId = channel === 'web' ? customer.identifiers.browserDeviceId : customer.identifiers.appDeviceId;
      if (!deviceId) continue;
      const online = orders.filter((o) => o.channel === channel);
      const times: number[] = [];
      if (online.length > 0) for (let n = rng.int(1, 2); n > 0; n--) times.push(online[0].at - rng.int(1, 14) * DAY_MS);
      for (let n = online.length + rng.int(0, 2); n > 0; n--) times.push(this.activeFrom + rng.next() * (this.activeUntil - this.activeFrom));
      for (const day of times) {
        const business = rng.pick(customer.interests);
        this.emit(this.timeOfDay(day, business, 'web'), false, {
          type: 'visit',
          source: channel === 'web' ? 'web-analytics' : 'app-analytics',
          identifiers: { deviceId },
          payload: {
            channel,
            location: channel === 'web' ? rng.pick(WEB_PAGES[business]) : rng.pick(['home', 'menu', 'order-tracking', 'club-card', 'tours']),
            durationSec: rng.int(15, 900),
            purpose: rng.pick(['browse', 'browse', 'compare', 'check order']),
          },
        });
      }
    }
  }

  /** Club members show their card at the door: a check-in known by the card alone. */
  private storeVisits(orders: readonly Order[]): void {
    const { rng, customer } = this;
    const card = customer.identifiers.loyaltyCard;
    if (!card) return;
    for (const order of orders) {
      if (order.channel !== 'store' || order.at < this.signUpAt! || !rng.chance(0.12)) continue;
      const alteration = order.business === 'retail' && rng.chance(0.3);
      const branch = order.business === 'retail' ? this.homeShop : this.homeBranch;
      this.emit(order.at + (alteration ? rng.int(2, 9) * DAY_MS : rng.int(3, 20) * DAY_MS), true, {
        type: 'visit',
        source: order.business === 'retail' ? `pos-shop-${branch}` : `pos-${branch}`,
        identifiers: { loyaltyCard: card },
        payload: alteration
          ? { channel: 'service_centre', location: BRANCH_LOCATION[branch], durationSec: rng.int(300, 1200), purpose: 'alteration' }
          : { channel: 'store', location: BRANCH_LOCATION[branch], durationSec: rng.int(300, 3600), purpose: order.business === 'retail' ? 'browse' : 'reservation check-in' },
      });
    }
  }

  private inquiryCalls(orderCount: number): void {
    const { rng, customer } = this;
    const count = customer.segment === 'light' && rng.chance(0.5) ? 0 : rng.int(0, 1 + Math.floor(orderCount / 8));
    for (let i = 0; i < count; i++) {
      const topic = rng.pick(INQUIRY_TOPICS[rng.pick(customer.interests)]);
      // Only a complaint's follow-up is "resolved": that outcome closes the customer's open complaints.
      const outcome = rng.weighted([['answered', 70], ['unresolved', 10], ['callback', 10], ['sale', 10]] as const);
      const at = this.timeOfDay(this.sampleDay('travel', this.activeFrom, this.activeUntil), 'travel', 'phone');
      if (at < this.activeUntil) this.call(at, 'inbound', topic, outcome, rng.chance(0.5) ? rng.int(3, 5) : undefined);
    }
    if (this.passportExpiry && this.signUpAt !== null) {
      // The agency calls a few months before the passport expires.
      const at = Date.parse(`${this.passportExpiry}T07:00:00Z`) - rng.int(90, 120) * DAY_MS;
      if (at > this.signUpAt && at < this.activeUntil) this.call(at, 'outbound', 'passport renewal reminder', 'reminded', undefined);
    }
  }

  private call(at: number, direction: 'inbound' | 'outbound', topic: string, outcome: string, satisfaction: number | undefined): void {
    const { rng } = this;
    this.emit(at, false, {
      type: 'call',
      source: 'call-centre',
      identifiers: { phone: direction === 'inbound' ? this.customer.identifiers.phone : this.phoneAsTyped() },
      payload: {
        direction,
        durationSec: rng.int(30, outcome === 'complaint' ? 900 : 480),
        topic,
        outcome,
        agentId: `agent-${rng.int(1, 40)}`,
        ...(satisfaction === undefined ? {} : { satisfaction }),
      },
    });
  }

  private socialMentions(): void {
    if (!this.customer.identifiers.socialHandle) return;
    const { rng } = this;
    for (let n = this.customer.showcase ? 3 : rng.int(0, 4); n > 0; n--) {
      const sentiment = this.customer.showcase ? 'positive' : rng.weighted([['positive', 60], ['neutral', 30], ['negative', 10]] as const);
      this.mention(this.activeFrom + rng.next() * (this.activeUntil - this.activeFrom), sentiment);
    }
  }

  private mention(at: number, sentiment: 'positive' | 'neutral' | 'negative'): void {
    const { rng } = this;
    const platform = rng.weighted([['instagram', 70], ['x', 15], ['telegram', 15]] as const);
    const handle = this.customer.identifiers.socialHandle!;
    this.emit(at, false, {
      type: 'social_mention',
      source: 'social-listening',
      identifiers: {},
      payload: {
        platform,
        handle: rng.chance(0.5) ? `@${handle}` : handle,
        url: `https://${platform}.example/p/${rng.hex(10)}`,
        text: rng.pick(sentiment === 'positive' ? POSITIVE_POSTS : sentiment === 'neutral' ? NEUTRAL_POSTS : NEGATIVE_POSTS),
        sentiment,
        reach: Math.round(rng.logNormal(600, 1.3)),
      },
    });
  }

  // ---- the club ----------------------------------------------------------------------------------

  /** The sign-up form, and what members change later: consent, a renewed passport, a new preference. */
  private clubProfile(): void {
    const { rng, customer } = this;
    const ids = customer.identifiers;
    if (this.signUpAt === null || this.signUpAt >= this.activeUntil) return;
    const inStore = customer.showcase || rng.chance(0.65);
    const preferences: Record<string, string> = customer.showcase ? { sauce: 'no spicy sauce', seating: 'window table', seat: 'aisle' } : {};
    if (!customer.showcase) {
      for (const business of customer.interests) {
        for (const [key, values] of rng.sample(Object.entries(PREFERENCE_CHOICES[business]), rng.int(0, 2))) preferences[key] = rng.pick(values);
      }
    }
    const importantDates: Record<string, string> = { birthday: customer.birthday };
    if (customer.showcase) importantDates.anniversary = '2015-10-08';
    else if (rng.chance(0.3)) importantDates.anniversary = `${rng.int(1990, 2022)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
    if (this.passportExpiry) importantDates.passportExpiry = this.passportExpiry;
    const withHandle = ids.socialHandle && (customer.showcase || rng.chance(0.6));
    this.emit(this.signUpAt, inStore, {
      type: 'profile_update',
      source: inStore ? 'club-signup' : 'web-club',
      identifiers: {
        customerId: ids.customerId!,
        loyaltyCard: ids.loyaltyCard!,
        email: rng.chance(0.15) ? capitalised(ids.email) : ids.email,
        phone: this.phoneAsTyped(),
        ...(withHandle ? { socialHandle: `@${ids.socialHandle}` } : {}),
      },
      traits: { firstName: customer.firstName, lastName: customer.lastName, city: customer.city },
      payload: {
        preferences,
        importantDates,
        consent: customer.showcase
          ? { email: 'granted', sms: 'granted', push: 'granted' }
          : {
              email: rng.chance(0.75) ? 'granted' : 'denied',
              sms: rng.chance(0.4) ? 'granted' : 'denied',
              ...(ids.appDeviceId ? { push: rng.chance(0.6) ? 'granted' : 'denied' } : {}),
            },
      },
    });

    const later = (fraction: number) => this.signUpAt! + fraction * (this.activeUntil - this.signUpAt!);
    if (customer.showcase || rng.chance(0.2)) {
      // Too many messages: the member withdraws SMS permission.
      this.emit(later(customer.showcase ? 0.6 : rng.next()), false, {
        type: 'profile_update',
        source: 'crm-preferences',
        identifiers: { customerId: ids.customerId! },
        payload: { preferences: {}, importantDates: {}, consent: { sms: 'denied' } },
      });
    }
    if (this.passportExpiry && Date.parse(this.passportExpiry) < this.activeUntil && rng.chance(0.6)) {
      const renewed = isoDate(Date.parse(this.passportExpiry) + 10 * 365 * DAY_MS);
      this.emit(Date.parse(this.passportExpiry) - rng.int(5, 40) * DAY_MS, true, {
        type: 'profile_update',
        source: 'travel-desk',
        identifiers: { customerId: ids.customerId!, phone: this.phoneAsTyped() },
        payload: { preferences: {}, importantDates: { passportExpiry: renewed } },
      });
    }
    if (!customer.showcase && rng.chance(0.15)) {
      const business = rng.pick(customer.interests);
      const [key, values] = rng.pick(Object.entries(PREFERENCE_CHOICES[business]));
      this.emit(later(rng.next()), false, {
        type: 'profile_update',
        source: 'web-club',
        identifiers: { email: ids.email },
        payload: { preferences: { [key]: rng.pick(values) }, importantDates: {} },
      });
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private purchaseIdentifiers(channel: Channel, at: number): DemoIdentifiers | undefined {
    const { rng } = this;
    const ids = this.customer.identifiers;
    const member = this.signUpAt !== null && at >= this.signUpAt;
    switch (channel) {
      case 'store':
        if (member && rng.chance(0.85)) return { customerId: ids.customerId!, loyaltyCard: ids.loyaltyCard! };
        return member || this.customer.springBuyer || rng.chance(0.7) ? { phone: this.phoneAsTyped() } : undefined;
      case 'branch':
        return member ? { customerId: ids.customerId!, phone: this.phoneAsTyped() } : { phone: this.phoneAsTyped() };
      case 'app':
        return { deviceId: ids.appDeviceId!, email: ids.email };
      case 'web':
        return { deviceId: ids.browserDeviceId!, email: rng.chance(0.1) ? capitalised(ids.email) : ids.email };
      case 'phone':
        return { phone: ids.phone };
      default: {
        const never: never = channel;
        throw new Error(`unknown channel ${String(never)}`);
      }
    }
  }

  private placeOf(business: Business, channel: Channel): { source: string; location?: string; attributes?: Record<string, string>; local: boolean } {
    switch (channel) {
      case 'store': {
        const branch = business === 'retail' ? this.homeShop : this.rng.chance(0.85) ? this.homeBranch : this.rng.pick(RESTAURANT_BRANCHES);
        return { source: business === 'retail' ? `pos-shop-${branch}` : `pos-${branch}`, location: BRANCH_LOCATION[branch], attributes: { till: `till-${this.rng.int(1, 4)}` }, local: true };
      }
      case 'branch':
        return { source: 'travel-desk', location: BRANCH_LOCATION['travel-desk'], local: true };
      case 'app': {
        const os = this.customer.identifiers.appDeviceId!.startsWith('ios') ? 'ios' : 'android';
        return { source: `app-${os}`, attributes: { appVersion: this.rng.pick(['4.1.0', '4.2.3', '5.0.1']) }, local: false };
      }
      case 'web':
        return { source: 'web-shop', ...(this.rng.chance(0.3) ? { attributes: { utmSource: this.rng.pick(['instagram', 'telegram', 'newsletter']) } } : {}), local: false };
      case 'phone':
        return { source: 'call-centre', local: false };
      default: {
        const never: never = channel;
        throw new Error(`unknown channel ${String(never)}`);
      }
    }
  }

  /** A day in [from, to) drawn with the seasons and the week of the business (rejection sampling). */
  private sampleDay(business: Business, from: number, to: number): number {
    for (let attempt = 0; attempt < 40; attempt++) {
      const at = from + this.rng.next() * (to - from);
      if (this.rng.next() * 4.5 < seasonalWeight(business, at)) return at;
    }
    return from + this.rng.next() * (to - from);
  }

  /** The time of day at which this business sees customers on that channel, Tehran time. */
  private timeOfDay(day: number, business: Business, channel: Channel): number {
    const { rng } = this;
    const hours =
      business === 'restaurant'
        ? rng.chance(0.55)
          ? 12 + rng.next() * 3.5
          : 19 + rng.next() * 4
        : business === 'retail'
          ? 10.5 + rng.next() * 11
          : channel === 'web'
            ? 8 + rng.next() * 15.5
            : 9 + rng.next() * 9;
    return tehranMidnight(day) + Math.floor(hours * HOUR_MS / 1000) * 1000;
  }

  /** How a cashier or a form writes the number: in every way but the same E.164 underneath. */
  private phoneAsTyped(): string {
    const e164 = this.customer.identifiers.phone;
    const national = `0${e164.slice(3)}`;
    return this.rng.pick([e164, national, `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`, `+98 ${e164.slice(3, 6)} ${e164.slice(6, 9)} ${e164.slice(9)}`]);
  }

  // ---- surveys ----------------------------------------------------------------------------

  /**
   * The survey tool asks after some orders, the next day: NPS after restaurant and travel orders,
   * CSAT after online and retail ones. Drawn from a random stream of their own, so the rest of the
   * journey stays as it was before surveys existed.
   */
  private surveys(orders: readonly Order[]): void {
    const rng = this.surveyRng;
    const fondness = { vip: 2, regular: 1, occasional: 0, light: -1 }[this.customer.segment];
    for (const order of orders) {
      if (!rng.chance(0.12)) continue;
      const online = order.channel === 'app' || order.channel === 'web';
      const channel = online ? (rng.chance(0.5) ? 'app' : 'email') : 'sms';
      const identifiers = channel === 'sms' ? { phone: this.customer.identifiers.phone } : order.identifiers;
      const asksNps = order.business !== 'retail' && !online;
      const mood = rng.int(-2, 2) + fondness;
      this.emit(order.at + rng.int(18, 30) * HOUR_MS, false, {
        type: 'survey_response',
        source: 'survey-tool',
        identifiers,
        payload: asksNps
          ? { surveyId: `nps-${order.business}`, question: 'How likely are you to recommend us to a friend?', npsScore: Math.min(10, Math.max(0, 7 + mood)), channel, orderId: order.orderId }
          : { surveyId: online ? 'csat-delivery' : 'csat-store', question: 'How satisfied were you with your order?', csatScore: Math.min(5, Math.max(1, 4 + Math.trunc(mood / 2))), channel, orderId: order.orderId },
      });
    }
  }

  private emit(at: number, localClock: boolean, draft: Draft<DemoTouchpoint>): void {
    if (!(at >= this.window.start && at < this.window.end)) return;
    const instant = Math.floor(at / 1000) * 1000;
    const { type, source, ...rest } = draft;
    const body = { eventId: this.ids.uuid(), type, source, occurredAt: localClock ? tehranIso(instant) : utcIso(instant), ...rest } as DemoTouchpoint;
    this.out.push({ at: instant, body });
  }
}

function seasonalWeight(business: Business, at: number): number {
  const date = tehranDate(at);
  const weekend = date.weekday === 5 ? 1.8 : date.weekday === 4 ? 1.4 : 1;
  switch (business) {
    case 'restaurant':
      return weekend * (inWindow(date, ...YALDA) ? 2.5 : inWindow(date, ...NOWRUZ_HOLIDAYS) ? 1.3 : 1);
    case 'retail':
      return (date.weekday === 5 ? 1.3 : 1) * (inWindow(date, ...NOWRUZ_SHOPPING) ? 3 : 1);
    case 'travel':
      return (date.weekday === 5 ? 0.2 : 1) * (inWindow(date, [2, 20], [3, 19]) ? 2.5 : inWindow(date, ...SUMMER) ? 1.8 : 1);
    default: {
      const never: never = business;
      throw new Error(`unknown business ${String(never)}`);
    }
  }
}

function restaurantOrder(rng: Random, party: number): DemoPurchaseItem[] {
  const picks: Product[] = [];
  for (let i = 0; i < party; i++) picks.push(rng.pick(MENU));
  for (let i = rng.int(0, party); i > 0; i--) picks.push(rng.pick(SIDES));
  return lines(picks);
}

function retailOrder(rng: Random): DemoPurchaseItem[] {
  return lines(rng.sample(CLOTHES, rng.weighted([[1, 60], [2, 30], [3, 10]] as const)));
}

function travelOrder(rng: Random): DemoPurchaseItem[] {
  if (rng.chance(0.2)) return lines([rng.pick(TRAVEL_SERVICES)]);
  const travellers = rng.weighted([[1, 30], [2, 40], [3, 15], [4, 15]] as const);
  const tour = rng.pick(TOURS);
  const picks: Product[] = Array.from({ length: travellers }, () => tour);
  if (rng.chance(0.4)) picks.push(...Array.from({ length: travellers }, () => TRAVEL_SERVICES[1]));
  if (rng.chance(0.3)) picks.push(TRAVEL_SERVICES[2]);
  return lines(picks);
}

/** Order lines: one per product, with its quantity. */
function lines(products: readonly Product[]): DemoPurchaseItem[] {
  const bySku = new Map<string, { product: Product; quantity: number }>();
  for (const product of products) {
    const line = bySku.get(product.sku);
    if (line) line.quantity++;
    else bySku.set(product.sku, { product, quantity: 1 });
  }
  return [...bySku.values()].map(({ product, quantity }) => ({
    sku: product.sku,
    name: product.name,
    category: product.category,
    quantity,
    unitPrice: String(product.price),
  }));
}

function roundTo(amount: number, step: number): number {
  return Math.max(step, Math.round(amount / step) * step);
}

function isoDate(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "Sara.Ahmadi12@Example.com": how people type their address; the platform lower-cases it. */
function capitalised(email: string): string {
  return email.replace(/(^|[.@])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
}
