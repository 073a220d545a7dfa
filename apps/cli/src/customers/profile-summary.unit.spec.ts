import { describeProfile } from './profile-summary';

const at = (occurredAt: string) => ({ occurredAt, eventId: '0b7f2c1e-5f4a-4c3e-9d1a-6a2b8c9d0e1f', source: 'club-signup' });

/** A unified profile as GET /v1/customers answers it (see libs/profile's CustomerProfile). */
const profile = {
  customerId: 'cus_1',
  mergedInto: null,
  mergedFrom: [],
  identifiers: { customerId: ['c-42'], email: ['sara.ahmadi@example.com'], phone: ['+989121234567'], loyaltyCard: [], socialHandle: [], deviceId: ['web-1', 'and-2'] },
  traits: { firstName: { value: 'Sara', ...at('2026-01-01T00:00:00.000Z') }, lastName: { value: 'Ahmadi', ...at('2026-01-01T00:00:00.000Z') } },
  preferences: { sauce: { value: 'no spicy sauce', ...at('2026-01-01T00:00:00.000Z') } },
  importantDates: {
    birthday: { date: '1990-02-05', ...at('2026-01-01T00:00:00.000Z') },
    passportExpiry: { date: '2027-03-01', ...at('2026-01-01T00:00:00.000Z') },
  },
  consent: { email: { status: 'granted', ...at('2026-01-01T00:00:00.000Z') }, sms: { status: 'denied', ...at('2026-05-01T00:00:00.000Z') } },
  firstSeenAt: '2024-11-24T13:14:00.000Z',
  lastSeenAt: '2026-11-20T18:14:00.000Z',
  activity: { byType: { purchase: { count: 3, lastAt: '2026-11-20T16:14:00.000Z' } }, byChannel: { store: { count: 2, lastAt: 'x' }, app: { count: 5, lastAt: 'x' } } },
  orders: {
    count: 3,
    countByCurrency: { IRR: 3 },
    grossSpend: { IRR: '1350000' },
    refunded: { IRR: '450000' },
    netSpend: { IRR: '900000' },
    averageOrderValue: { IRR: '450000.00' },
    lastPurchaseAt: '2026-11-20T16:14:00.000Z',
  },
  complaints: { open: 1, lastResolvedAt: null, openAt: ['2026-11-20T18:14:00.000Z'] },
  touchpoints: 9,
  version: 12,
};

describe('describeProfile', () => {
  const text = describeProfile(profile, new Date('2026-11-23T08:00:00Z')).join('\n');

  it('shows who the customer is on every channel, and what they told us', () => {
    expect(text).toContain('Sara Ahmadi, customer cus_1');
    expect(text).toContain('email sara.ahmadi@example.com');
    expect(text).toContain('deviceId web-1, and-2');
    expect(text).not.toContain('loyaltyCard');
    expect(text).toContain('sauce: no spicy sauce');
    expect(text).toContain('birthday 1990-02-05 (16 Bahman 1368)');
    expect(text).toMatch(/passportExpiry 2027-03-01 \(10 Esfand 1405\): expires in 98 days, time for a reminder/);
    expect(text).toContain('email granted · sms denied');
  });

  it('counts the days to an expiry in words that read: today, 1 day, days ago', () => {
    const expiring = (date: string) => describeProfile({ ...profile, importantDates: { visaExpiry: { date, ...at('2026-01-01T00:00:00.000Z') } } }, new Date('2026-11-23T08:00:00Z')).join('\n');
    expect(expiring('2026-11-23')).toContain('visaExpiry 2026-11-23 (2 Azar 1405): expires today, time for a reminder');
    expect(expiring('2026-11-24')).toContain(': expires in 1 day, time for a reminder');
    expect(expiring('2026-11-22')).toContain(': expired 1 day ago');
    expect(expiring('2020-11-23')).toContain(': expired 2,191 days ago');
  });

  it('shows orders, spend in rials and tomans, channels and open complaints', () => {
    expect(text).toContain('spend           1,350,000 IRR (135,000 toman)');
    expect(text).toContain('refunded        450,000 IRR (45,000 toman)');
    expect(text).toContain('channels        app 5 · store 2');
    expect(text).toContain('open complaints 1, since 2026-11-20 18:14 UTC (29 Aban 1405, 21:44 Tehran)');
  });

  it('leaves out what the platform did not send, guessing nothing', () => {
    expect(describeProfile({ customerId: 'cus_2' }, new Date())).toEqual(['(no name given), customer cus_2']);
  });
});
