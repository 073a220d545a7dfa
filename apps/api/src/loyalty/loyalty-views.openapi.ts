import { openApi } from '@cdp/platform-runtime';

const { decimal, instant, integer, listOf, nextPage, nullable, record, text } = openApi;

export const LOYALTY_BALANCE = record(
  'LoyaltyBalance',
  {
    customerId: text('the survivor, for a merged id'),
    currency: text('the program currency', 'IRR'),
    available: integer('what can be spent now; negative while the account owes points'),
    expiringSoon: record('ExpiringPoints', {
      points: integer('what expires by `until` and can still be spent: at most what is available, the oldest lots first'),
      until: instant('now plus 30 days'),
      lots: listOf(record('ExpiringLot', { lotId: text(), points: integer(), expiresAt: instant() }), 'oldest first'),
    }),
    tier: record('TierStanding', {
      name: text(undefined, 'silver'),
      qualifyingSpend: decimal('the spend in the tier window before now, in the program currency'),
      next: nullable(record('NextTier', { name: text(undefined, 'gold'), from: decimal(), spendNeeded: decimal() }, 'null at the top tier')),
    }),
    lifetime: record('LoyaltyLifetime', { earned: integer(), clawedBack: integer(), redeemed: integer(), expired: integer() }),
    nextExpiryAt: nullable(instant('the earliest expiry of a lot that still holds points')),
  },
  'docs/loyalty.md',
);

export const LOYALTY_LEDGER = record('LoyaltyLedger', {
  customerId: text(),
  entries: listOf(
    record('LedgerEntry', {
      eventId: text(),
      type: text('the event of the account stream', 'PointsEarned'),
      points: integer('the change to the balance, signed'),
      cause: text('the touchpoint, refund, idempotency key or account behind it'),
      streamId: text(undefined, 'loyalty-cus_…'),
      streamPosition: integer(),
      recordedAt: instant(),
      data: { type: 'object', description: 'the event as the event store holds it', additionalProperties: true },
    }),
    'newest first',
  ),
  next: nextPage(),
});

export const REDEMPTION = record('Redemption', {
  customerId: text('the account that paid: the survivor, for a merged id'),
  redemptionId: text(),
  idempotencyKey: text(),
  points: integer(),
  reason: text(),
  lots: listOf(record('ConsumedLot', { lotId: text(), points: integer() }), 'oldest first'),
  redeemedAt: instant(),
  available: integer('what the account can spend once the answer is given, this redemption taken: the balance a point-of-sale shows next'),
});
