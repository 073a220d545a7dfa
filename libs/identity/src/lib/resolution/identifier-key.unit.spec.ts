import fc from 'fast-check';
import { normalizeIdentifier } from '../identifiers/normalize-identifiers';
import { identifierKeysOf } from './identifier-key';

const none = { customerId: null, email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null };

describe('identifierKeysOf', () => {
  it('keys identifiers taken in under earlier rules as the same values taken in today', () => {
    // As the log holds them from before Persian letter forms and ASCII digits: a rebuild keys them as today's.
    const stored = { ...none, socialHandle: 'علي', email: 'e\u0301lodie@exemple.fr', loyaltyCard: '۷۷۶۴', customerId: 'c-٤٢', deviceId: 'dev-ي' };
    expect(identifierKeysOf(stored)).toEqual(['customerId:c-42', 'loyaltyCard:7764', 'email:\u00e9lodie@exemple.fr', 'socialHandle:علی', 'deviceId:dev-ي']);
  });

  it('leaves out a value taken in before invisible characters were dropped that is a placeholder in today\'s form, as the same value taken in today is', () => {
    expect(identifierKeysOf({ ...none, customerId: '0\u200c0', loyaltyCard: 'n\u200cull', email: 'sara۱@example.com' })).toEqual(['email:sara1@example.com']);
    // Taken in today it is "00", kept on the touchpoint, keying nobody.
    expect(normalizeIdentifier('customerId', '0\u200c0', { defaultPhoneRegion: 'IR' })).toEqual({ value: '00' });
    expect(identifierKeysOf({ ...none, customerId: '00' })).toEqual([]);
  });

  it('keys a value normalised today as it is', () => {
    const policy = { defaultPhoneRegion: 'IR' } as const;
    const types = fc.constantFrom(...(['email', 'socialHandle', 'customerId', 'loyaltyCard', 'deviceId'] as const));
    fc.assert(
      fc.property(types, fc.string({ unit: fc.constantFrom('a', 'B', '7', '۷', 'ي', 'ك', 'e\u0301', '@', '.', '-') }), (type, raw) => {
        const normalized = normalizeIdentifier(type, raw, policy);
        fc.pre('value' in normalized && normalized.value !== null && identifierKeysOf({ ...none, [type]: normalized.value }).length > 0);
        expect(identifierKeysOf({ ...none, [type]: (normalized as { value: string }).value })).toEqual([`${type}:${(normalized as { value: string }).value}`]);
      }),
      { numRuns: 500 },
    );
  });
});
