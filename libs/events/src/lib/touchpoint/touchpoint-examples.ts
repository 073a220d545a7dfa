/**
 * One valid touchpoint of each shipped type, as a source would post it (JSON): examples for the
 * API docs, the tests and newcomers.
 */
export const touchpointExamples = {
  purchase: {
    type: 'purchase',
    source: 'pos-store-12',
    occurredAt: '2026-11-20T10:15:00Z',
    identifiers: { email: ' Sara.Ahmadi@Example.com ', customerId: 'c-42' },
    traits: { firstName: 'Sara' },
    payload: {
      orderId: 'o-9',
      amount: '300000',
      currency: 'IRR',
      items: [{ sku: 'kabab-1', name: 'Kabab koobideh', category: 'food', quantity: 2, unitPrice: '150000' }],
      channel: 'store',
      location: 'Tehran, Valiasr',
    },
  },
  refund: {
    type: 'refund',
    source: 'pos-store-12',
    occurredAt: '2026-11-21T09:00:00+03:30',
    identifiers: { customerId: 'c-42' },
    payload: { orderId: 'o-9', amount: '150000', currency: 'IRR', reason: 'cold food' },
  },
  call: {
    type: 'call',
    source: 'call-centre',
    occurredAt: '2026-11-21T12:00:00Z',
    identifiers: { phone: '0912 123 4567' },
    payload: { direction: 'inbound', durationSec: 240, topic: 'delivery', outcome: 'complaint', agentId: 'agent-7', satisfaction: 2 },
  },
  visit: {
    type: 'visit',
    source: 'web',
    occurredAt: '2026-11-22T08:30:00Z',
    identifiers: { deviceId: 'dev-5f2a' },
    payload: { channel: 'web', location: '/menu', durationSec: 95, purpose: 'browse' },
  },
  social_mention: {
    type: 'social_mention',
    source: 'social-listening',
    occurredAt: '2026-11-22T18:45:00Z',
    identifiers: {},
    payload: { platform: 'instagram', handle: '@sara.eats', url: 'https://instagram.example/p/1', text: 'Best kabab in town', sentiment: 'positive', reach: 1200 },
  },
  profile_update: {
    type: 'profile_update',
    source: 'club-signup',
    occurredAt: '2026-11-23T07:00:00Z',
    identifiers: { email: 'sara.ahmadi@example.com', phone: '+989121234567' },
    traits: { firstName: 'Sara', lastName: 'Ahmadi' },
    payload: {
      preferences: { sauce: 'no spicy sauce' },
      importantDates: { birthday: '1990-02-05', passportExpiry: '2027-03-01' },
      consent: { email: 'granted', sms: 'denied' },
    },
  },
} as const;
